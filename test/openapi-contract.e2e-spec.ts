import Fastify from 'fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { observeContract, takeViolations } from './support/openapi-contract';

/**
 * The contract check itself (test/support/openapi-contract.ts): it must catch each way a service
 * can differ from its document, or a clean run of the suite proves nothing.
 */
const document = {
  openapi: '3.0.0',
  info: { title: 'contract check', version: '1' },
  paths: {
    '/things': {
      post: {
        operationId: 'createThing',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', additionalProperties: false, required: ['size'], properties: { size: { type: 'integer', minimum: 1 } } } } },
        },
        responses: {
          '201': {
            description: 'created',
            headers: { 'Idempotent-Replayed': { schema: { type: 'string', enum: ['true'] } } },
            content: { 'application/json': { schema: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, reason: { type: 'string', nullable: true, enum: ['A', null] } } } } },
          },
          '400': { description: 'bad', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorView' } } } },
        },
      },
    },
    '/bare': { get: { responses: { '204': { description: 'nothing' } } } },
    '/things/{id}': {
      get: {
        operationId: 'getThing',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z]+$' } }],
        responses: { '200': { description: 'one', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    },
  },
  components: {
    schemas: {
      ErrorView: { type: 'object', required: ['statusCode', 'code', 'message'], properties: { statusCode: { type: 'integer' }, code: { type: 'string' }, message: { type: 'string' } } },
    },
  },
} as unknown as OpenAPIObject;

describe('the OpenAPI contract check of the e2e suite', () => {
  const app = Fastify();
  beforeAll(async () => {
    observeContract(app, document);
    app.post('/things', async (request, reply) => {
      const { answer } = request.query as { answer?: string };
      if (answer === 'status') return reply.code(409).send({ statusCode: 409, code: 'X', message: 'x' });
      if (answer === 'body') return reply.code(201).send({ id: 7, reason: 'B' });
      if (answer === 'header') return reply.code(201).header('idempotent-replayed', 'yes').send({ id: 'a', reason: null });
      if (answer === 'bad-request') return reply.code(400).send({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'm' });
      return reply.code(201).send({ id: 'a', reason: null });
    });
    app.get('/bare', async (_request, reply) => reply.code(204).send());
    app.get('/things/:id', async (_request, reply) => reply.type('application/json').send({ id: 'a' }));
    await app.ready();
  });
  afterAll(() => app.close());

  const post = (query: string, payload: unknown) => app.inject({ method: 'POST', url: `/things${query}`, payload: payload as object });
  const problems = () => takeViolations().map((v) => `${v.method} ${v.path} ${v.status}: ${v.problem}`);

  it('passes an exchange the document describes, nullable enum included', async () => {
    await post('', { size: 2 });
    expect(problems()).toEqual([]);
  });

  it('names an undocumented status with the statuses the operation documents', async () => {
    await post('?answer=status', { size: 2 });
    expect(problems()).toEqual(['POST /things 409: operation createThing does not document status 409 (it documents 201, 400): add it to its decorators']);
  });

  it('names a body that breaks its schema, and a header value that breaks its own', async () => {
    await post('?answer=body', { size: 2 });
    await post('?answer=header', { size: 2 });
    const found = problems();
    expect(found[0]).toMatch(/^POST \/things 201: operation createThing status 201: the body breaks its schema: \/id must be string; \/reason must be equal to one of the allowed values/);
    expect(found.slice(1)).toEqual([
      'POST /things 201: operation createThing: the service accepted the undocumented query parameter answer',
      'POST /things 201: operation createThing status 201: response header idempotent-replayed breaks its schema: (root) must be equal to one of the allowed values',
      'POST /things 201: operation createThing: the service accepted the undocumented query parameter answer',
    ]);
  });

  it('flags a request the service accepted though the document forbids it, not one it refused', async () => {
    await post('', { size: 2.5, extra: true });
    expect(problems()).toEqual([expect.stringMatching(/accepted a body its schema forbids: \(root\) must NOT have additional properties; \/size must be integer$/)]);
    await post('?answer=bad-request', { size: 'big' });
    expect(problems()).toEqual([]);
  });

  it('names an operation without an operationId, and how to give it one', async () => {
    await app.inject({ method: 'GET', url: '/bare' });
    expect(problems()).toEqual(['GET /bare 204: operation GET /bare has no operationId: declare it with @Endpoint(operationId, summary, {access}) (src/openapi/endpoint.ts)']);
  });

  it('names a media type the document does not list, a path parameter it forbids, and an unknown route', async () => {
    await app.inject({ method: 'GET', url: '/things/ABC' });
    await app.inject({ method: 'GET', url: '/nowhere' });
    expect(problems()).toEqual([
      'GET /things/{id} 200: operation getThing status 200: media type "application/json; charset=utf-8" is not documented (documented: text/plain)',
      expect.stringMatching(/^GET \/things\/\{id\} 200: operation getThing: the service accepted a path parameter id its schema forbids: .*must match pattern/),
      // Fastify's own 404 body is not the service's error body.
      "GET /nowhere 404: the error body of an unknown route breaks ErrorView: (root) must have required property 'code'",
    ]);
  });
});
