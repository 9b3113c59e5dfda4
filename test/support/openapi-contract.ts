import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * The contract test: every request the e2e suite sends through the test apps, and every answer,
 * is checked against the OpenAPI document the app serves at /docs-json (SPEC §7), with Ajv.
 *
 * - An answer must have a status the operation documents, a media type it documents for that
 *   status, a body that validates against that schema and a schema for each API header it sends.
 * - A request the service *accepted* (2xx) must validate against the document: a client generated
 *   from the document must be able to send it. Requests the service refused are not checked: the
 *   suite sends malformed ones on purpose, and their refusal is the contract.
 * - A request no operation matches (an unknown route) must be answered 404 or 405 in the error body.
 *
 * Violations are collected here; `test/support/contract-setup.ts` fails the test that caused them.
 */

export interface Violation {
  method: string;
  path: string;
  status: number;
  problem: string;
}

type Schema = Record<string, unknown>;
interface MediaTypes {
  [mediaType: string]: { schema?: Schema };
}
interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}
interface ResponseObject {
  content?: MediaTypes;
  headers?: Record<string, { schema?: Schema; required?: boolean }>;
}
interface OperationObject {
  operationId?: string;
  parameters?: ParameterObject[];
  requestBody?: { required?: boolean; content: MediaTypes };
  responses: Record<string, ResponseObject>;
}

/** Headers of the API's own whose presence must be documented; the rest is HTTP's plumbing. */
const API_HEADERS = ['idempotent-replayed', 'retry-after', 'content-disposition', 'x-request-id'];
/** Routes served beside the API and not described by it: the document itself and the console. */
const UNDOCUMENTED = /^\/(docs|admin)(\/|-|$)/;
const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

const violations: Violation[] = [];

/** Every violation recorded since the last call, and forgets them. */
export function takeViolations(): Violation[] {
  return violations.splice(0, violations.length);
}

interface Route {
  pattern: RegExp;
  names: string[];
  template: string;
  literalLength: number;
}

/** The compiled document: its routes and a validator per schema, compiled once per process. */
class Contract {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: false });
  private readonly coercing = new Ajv({ strict: false, allErrors: true, coerceTypes: true });
  private readonly compiled = new WeakMap<object, ValidateFunction>();
  private readonly compiledCoercing = new WeakMap<object, ValidateFunction>();
  private readonly routes: Route[];

  constructor(readonly document: OpenAPIObject) {
    for (const ajv of [this.ajv, this.coercing]) {
      addFormats(ajv);
      ajv.addSchema({ $id: 'openapi', components: document.components ?? {} });
    }
    this.routes = Object.keys(document.paths)
      .map((template) => {
        const names: string[] = [];
        const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => {
          names.push(name);
          return '([^/]+)';
        });
        return { pattern: new RegExp(`^${source}$`), names, template, literalLength: template.replace(/\{[^}]+\}/g, '').length };
      })
      // A literal segment wins over a parameter: /venues/export before /venues/{code}.
      .sort((a, b) => b.literalLength - a.literalLength);
  }

  route(pathname: string): { template: string; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      const match = route.pattern.exec(pathname);
      if (!match) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = decodeSegment(match[i + 1])));
      return { template: route.template, params };
    }
    return undefined;
  }

  /** A header, response or parameter object, following its `$ref` into the components. */
  resolve<T>(value: T | { $ref: string }): T {
    const ref = (value as { $ref?: string }).$ref;
    if (!ref) return value as T;
    return ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((node: Record<string, unknown>, key) => node[key] as Record<string, unknown>, this.document as unknown as Record<string, unknown>) as T;
  }

  operation(template: string, method: string): OperationObject | undefined {
    return (this.document.paths[template] as Record<string, OperationObject> | undefined)?.[method];
  }

  /** Ajv's errors for a body against its schema, or undefined when it validates. */
  check(schema: Schema, value: unknown): string | undefined {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(pointAtComponents(schema));
      this.compiled.set(schema, validate);
    }
    return validate(value) ? undefined : describeErrors(validate);
  }

  /** The same for a parameter or header: a string, coerced to the type its schema declares. */
  checkString(schema: Schema, value: string): string | undefined {
    let validate = this.compiledCoercing.get(schema);
    if (!validate) {
      validate = this.coercing.compile({ type: 'object', properties: { value: pointAtComponents(schema) } });
      this.compiledCoercing.set(schema, validate);
    }
    return validate({ value }) ? undefined : describeErrors(validate, '/value');
  }

  readonly errorSchema: Schema = { $ref: '#/components/schemas/ErrorView' };
}

function describeErrors(validate: ValidateFunction, root = ''): string {
  return (validate.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath.slice(root.length) || '(root)'} ${e.message ?? ''}`.trim())
    .join('; ');
}

/** A path segment as the router reads it; a malformed escape stays as sent (the service refuses it). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function pointAtComponents(schema: Schema): Schema {
  return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\/components\//g, '"$ref":"openapi#/components/')) as Schema;
}

const contracts = new Map<string, Contract>();
function contractFor(document: OpenAPIObject): Contract {
  const key = JSON.stringify(document);
  let contract = contracts.get(key);
  if (!contract) {
    contract = new Contract(document);
    contracts.set(key, contract);
  }
  return contract;
}

const essence = (contentType: string) => contentType.split(';')[0].trim().toLowerCase();

function mediaTypeOf(content: MediaTypes | undefined, contentType: string): { schema?: Schema } | undefined {
  if (!content) return undefined;
  const wanted = essence(contentType);
  const key = Object.keys(content).find((k) => essence(k) === wanted);
  return key === undefined ? undefined : content[key];
}

function responseFor(contract: Contract, operation: OperationObject, status: number): ResponseObject | undefined {
  const response = operation.responses[String(status)] ?? operation.responses[`${String(status)[0]}XX`];
  if (!response) return undefined;
  const resolved = contract.resolve(response);
  const headers = Object.fromEntries(Object.entries(resolved.headers ?? {}).map(([name, header]) => [name, contract.resolve(header)]));
  return { ...resolved, headers };
}

/** Checks one exchange; returns its problems (empty when the document describes it). */
function checkExchange(contract: Contract, request: FastifyRequest, reply: FastifyReply, payload: unknown): { path: string; problems: string[] } {
  const url = new URL(request.url, 'http://service');
  const route = contract.route(url.pathname);
  return { path: route?.template ?? url.pathname, problems: problemsOf(contract, url, route, request, reply, payload) };
}

function problemsOf(
  contract: Contract,
  url: URL,
  route: { template: string; params: Record<string, string> } | undefined,
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): string[] {
  const status = reply.statusCode;
  const method = request.method.toLowerCase();
  const operation = route && contract.operation(route.template, method);
  const headers = reply.getHeaders();
  const contentType = String(headers['content-type'] ?? '');
  const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload.toString() : undefined;

  if (!route || !operation || !METHODS.includes(method)) {
    if (status !== 404 && status !== 405) return [`no operation ${request.method} ${url.pathname} in the document, yet the service answered ${status}`];
    const problem = body === undefined ? undefined : contract.check(contract.errorSchema, JSON.parse(body));
    return problem ? [`the error body of an unknown route breaks ErrorView: ${problem}`] : [];
  }
  const id = operation.operationId ?? `${request.method} ${route.template}`;
  const problems: string[] = [];
  if (!operation.operationId) {
    problems.push(`operation ${id} has no operationId: declare it with @Endpoint(operationId, summary, {access}) (src/openapi/endpoint.ts)`);
  }

  const response = responseFor(contract, operation, status);
  if (!response) {
    return [`operation ${id} does not document status ${status} (it documents ${Object.keys(operation.responses).join(', ')}): add it to its decorators`];
  }
  if (body !== undefined && body.length > 0) {
    const media = mediaTypeOf(response.content, contentType);
    if (!media) {
      problems.push(`operation ${id} status ${status}: media type "${contentType}" is not documented (documented: ${Object.keys(response.content ?? {}).join(', ') || 'no body'})`);
    } else if (media.schema) {
      const value = essence(contentType).endsWith('json') ? JSON.parse(body) : body;
      const problem = contract.check(media.schema, value);
      if (problem) problems.push(`operation ${id} status ${status}: the body breaks its schema: ${problem}`);
    }
  } else if (payload !== null && payload !== undefined && body === undefined) {
    // A stream (an export, a snapshot file): its media type is checked, its bytes are not read.
    if (!mediaTypeOf(response.content, contentType)) problems.push(`operation ${id} status ${status}: streamed media type "${contentType}" is not documented`);
  }
  for (const name of API_HEADERS) {
    const value = headers[name];
    if (value === undefined) continue;
    const documented = Object.entries(response.headers ?? {}).find(([key]) => key.toLowerCase() === name);
    if (!documented?.[1].schema) {
      problems.push(`operation ${id} status ${status}: response header ${name} is not documented with a schema`);
      continue;
    }
    const problem = contract.checkString(documented[1].schema, String(value));
    if (problem) problems.push(`operation ${id} status ${status}: response header ${name} breaks its schema: ${problem}`);
  }
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    if (header.required && headers[name.toLowerCase()] === undefined) problems.push(`operation ${id} status ${status}: required response header ${name} is missing`);
  }

  if (status >= 200 && status < 300) problems.push(...checkAcceptedRequest(contract, id, operation, route.params, url, request));
  return problems;
}

/** A request the service accepted must be one the document allows. */
function checkAcceptedRequest(
  contract: Contract,
  id: string,
  operation: OperationObject,
  pathParams: Record<string, string>,
  url: URL,
  request: FastifyRequest,
): string[] {
  const problems: string[] = [];
  const parameters = (operation.parameters ?? []).map((parameter) => contract.resolve(parameter));
  for (const parameter of parameters) {
    const value = parameter.in === 'path' ? pathParams[parameter.name] : parameter.in === 'query' ? url.searchParams.get(parameter.name) ?? undefined : undefined;
    if (parameter.in !== 'path' && parameter.in !== 'query') continue;
    if (value === undefined) {
      if (parameter.required) problems.push(`operation ${id}: the service accepted a request without the required ${parameter.in} parameter ${parameter.name}`);
      continue;
    }
    const problem = parameter.schema && contract.checkString(parameter.schema, value);
    if (problem) problems.push(`operation ${id}: the service accepted a ${parameter.in} parameter ${parameter.name} its schema forbids: ${problem}`);
  }
  for (const name of new Set(url.searchParams.keys())) {
    if (!parameters.some((p) => p.in === 'query' && p.name === name)) problems.push(`operation ${id}: the service accepted the undocumented query parameter ${name}`);
  }
  const sent = request.headers['content-type'];
  if (request.body !== undefined && request.body !== null && sent) {
    const media = mediaTypeOf(operation.requestBody?.content, sent);
    if (!media) {
      problems.push(`operation ${id}: the service accepted a body of media type "${sent}" the document does not list`);
    } else if (media.schema && !(Buffer.isBuffer(request.body) && (media.schema as { format?: string }).format === 'binary')) {
      // A file read as raw bytes (format: binary) is the document's string of bytes: nothing to check inside.
      const problem = contract.check(media.schema, request.body);
      if (problem) problems.push(`operation ${id}: the service accepted a body its schema forbids: ${problem}`);
    }
  } else if (operation.requestBody?.required) {
    problems.push(`operation ${id}: the service accepted a request without the body the document requires`);
  }
  return problems;
}

/**
 * Installs the contract check on a test app, before it is ready: an `onSend` hook that checks
 * each exchange against the app's own document and records what breaks it.
 */
export function observeContract(fastify: FastifyInstance, document: OpenAPIObject): void {
  const contract = contractFor(document);
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (UNDOCUMENTED.test(request.url)) return payload;
    let checked: { path: string; problems: string[] };
    try {
      checked = checkExchange(contract, request, reply, payload);
    } catch (error) {
      checked = { path: request.url.split('?')[0], problems: [`the contract check failed: ${(error as Error).message}`] };
    }
    for (const problem of checked.problems) {
      violations.push({ method: request.method, path: checked.path, status: reply.statusCode, problem });
    }
    return payload;
  });
}
