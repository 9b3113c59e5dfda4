import type { OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject, ResponseObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ERROR_MEANINGS, errorResponse } from '../common/error.views';
import { TOKEN_FORM } from '../common/forms';

/**
 * What every operation shares, added once to the document built from the decorators:
 * - the answers any request can get before or around its route: 400 (an unknown query parameter,
 *   a malformed request), 429 (the rate limit, with Retry-After), 431, 503 (shutting down), and
 *   413/415 (a body too large or of another type: any request may carry one, read or not);
 * - the X-Request-Id header of every answer;
 * - an optional, ignored JSON body on the operations that read none (but GET): clients often send `{}`;
 * - `additionalProperties: false` on every schema a request body uses (unknown fields are 400);
 * - `null` among the values of a nullable enum (OpenAPI 3.0.3: `nullable` does not widen `enum`);
 * - `type: integer` for every `…Fen` property: money is integer fen (SPEC §1);
 * - no operationId where Endpoint gave none (Nest leaves an empty one): `npm run lint:openapi` and
 *   the contract test then name the route, rather than a generated client getting a made-up name.
 */
export function completeDocument(document: OpenAPIObject): OpenAPIObject {
  const components = (document.components ??= {});
  components.headers = {
    ...components.headers,
    RequestId: { description: 'the request id of the log lines: the caller\'s X-Request-Id when sane, else a new UUID', schema: { type: 'string', pattern: TOKEN_FORM.source } },
    RetryAfter: { description: 'seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } },
  };
  const bodySchemas = new Set<string>();
  for (const item of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(item) as [string, OperationObject][]) {
      if (!['get', 'put', 'post', 'patch', 'delete'].includes(method)) continue;
      if (!operation.operationId) delete operation.operationId;
      if (!operation.requestBody && method !== 'get') {
        operation.requestBody = { required: false, description: 'none is read: a JSON body sent anyway is ignored', content: { 'application/json': { schema: {} } } };
      }
      const responses = operation.responses as Record<string, ResponseObject>;
      const statuses = [400, 413, 415, 429, 431, 503];
      for (const status of statuses) responses[status] ??= errorResponse(status, ERROR_MEANINGS[status]);
      responses[429].headers = { ...responses[429].headers, 'Retry-After': { $ref: '#/components/headers/RetryAfter' } };
      for (const response of Object.values(responses)) {
        response.headers = { ...response.headers, 'X-Request-Id': { $ref: '#/components/headers/RequestId' } };
      }
      const body = operation.requestBody as { content?: Record<string, { schema?: SchemaObject }> } | undefined;
      for (const media of Object.values(body?.content ?? {})) collectReferences(media.schema, bodySchemas);
    }
  }
  walkSchemas(document, (schema) => {
    // A new array: the enum may be the very array of the domain (DECLINE_REASONS), shared by several schemas.
    if (schema.nullable && Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
    for (const [name, property] of Object.entries(schema.properties ?? {}) as [string, SchemaObject][]) {
      if (name.endsWith('Fen') && property.type === 'number') property.type = 'integer';
    }
  });
  const schemas = (components.schemas ?? {}) as Record<string, SchemaObject>;
  for (const name of closure(bodySchemas, schemas)) {
    const schema = schemas[name];
    if (schema.type === 'object' || schema.properties) schema.additionalProperties = false;
  }
  return document;
}

/** Calls `visit` on every object of the document that is, or may be, a schema. */
function walkSchemas(node: unknown, visit: (schema: SchemaObject) => void): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) walkSchemas(item, visit);
    return;
  }
  const object = node as Record<string, unknown>;
  if ('type' in object || 'properties' in object || 'enum' in object) visit(object as SchemaObject);
  for (const [key, value] of Object.entries(object)) if (key !== 'example' && key !== 'examples') walkSchemas(value, visit);
}

function collectReferences(schema: unknown, into: Set<string>): void {
  if (!schema || typeof schema !== 'object') return;
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) into.add(value.slice('#/components/schemas/'.length));
    else collectReferences(value, into);
  }
}

/** The named schemas and every schema they reference, transitively. */
function closure(names: Set<string>, schemas: Record<string, SchemaObject>): Set<string> {
  const all = new Set<string>();
  const pending = [...names];
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (all.has(name) || !schemas[name]) continue;
    all.add(name);
    const found = new Set<string>();
    collectReferences(schemas[name], found);
    pending.push(...found);
  }
  return all;
}
