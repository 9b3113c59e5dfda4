import { TAP_EXAMPLE_NOW } from '../src/taps/tap.views';
import { bearer, expectError, local, TUESDAY } from './support/factories';
import { ADMIN, freezeClock, newCard, startTestApp, tap, TestApp } from './support/test-app';

interface OpenApiSchema {
  $ref?: string;
  allOf?: { $ref?: string; properties?: { code?: { enum?: string[] } } }[];
}
interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema: { $ref?: string }; examples?: Record<string, { value: Record<string, unknown> }> }> };
  responses: Record<string, { content?: Record<string, { schema: OpenApiSchema; examples?: Record<string, { value: Record<string, unknown> }> }> }>;
  security?: unknown[];
}
type OpenApiDocument = {
  servers?: { url: string }[];
  tags?: { name: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>; securitySchemes?: Record<string, unknown> };
};

describe('operations: health, metrics, OpenAPI and the simulated clock', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers GET /health without a key while the database is reachable', async () => {
    const response = await t.http.get('/health').expect(200);
    expect(response.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('counts taps by decision, reason and region in GET /metrics, without a key', async () => {
    await freezeClock(t, local(TUESDAY, '10:00'));
    await tap(t, { cardNumber: 'T00000008', venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: local(TUESDAY, '10:00') });
    const card = await newCard(t, { issuerCode: '500100', balanceFen: 5000 });
    await tap(t, { cardNumber: card, venueCode: 'CD-LIB-CD', action: 'ENTRY', occurredAt: local(TUESDAY, '10:00') });
    const response = await t.http.get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.text).toContain('# TYPE onecard_taps_total counter');
    const lines = response.text.split('\n').filter((line) => line.startsWith('onecard_taps_total{'));
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/decision="DECLINED".*reason="CARD_NOT_IN_SCHEME".*region="SICHUAN".*\} 1$/),
        expect.stringMatching(/decision="APPROVED".*reason="NONE".*region="SICHUAN".*cross_region="true".*\} 1$/),
      ]),
    );
    expect(response.text).toContain('onecard_http_request_duration_seconds_bucket');
  });

  it('echoes a sane X-Request-Id and makes one up otherwise', async () => {
    const given = await t.http.get('/health').set('X-Request-Id', 'req-12345').expect(200);
    expect(given.headers['x-request-id']).toBe('req-12345');
    const made = await t.http.get('/health').set('X-Request-Id', 'bad id with spaces').expect(200);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  describe('OpenAPI', () => {
    let doc: OpenApiDocument;
    beforeAll(async () => {
      doc = (await t.http.get('/docs-json').expect(200)).body;
    });

    it('lists every path of the API', () => {
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/cards',
          '/cards/{cardNumber}',
          '/cards/{cardNumber}/top-ups',
          '/cards/{cardNumber}/replacement',
          '/cards/{cardNumber}/ledger',
          '/hotlist',
          '/venues',
          '/venues/{code}',
          '/whitelist',
          '/audit',
          '/terminals',
          '/terminals/{terminalId}',
          '/taps',
          '/sim/clock',
          '/sim/clock/advance',
          '/sim/reset',
          '/sim/faults',
          '/health',
          '/metrics',
        ]),
      );
      expect(Object.keys(doc.paths['/cards/{cardNumber}']).sort()).toEqual(['get', 'patch']);
      expect(Object.keys(doc.paths['/venues/{code}']).sort()).toEqual(['delete', 'get', 'patch']);
      expect(Object.keys(doc.paths['/sim/clock']).sort()).toEqual(['delete', 'get', 'put']);
    });

    it.each([
      ['post', '/cards', ['ssn', 'name', 'issuerCode']],
      ['patch', '/cards/{cardNumber}', ['status', 'transportEnabled', 'concession']],
      ['post', '/cards/{cardNumber}/top-ups', ['amountFen', 'reference']],
      ['post', '/venues', ['code', 'name', 'type', 'region', 'cityCode', 'listedFrom', 'openingHours', 'dailyCapacity', 'borrowLimit', 'network', 'line', 'km']],
      ['patch', '/venues/{code}', ['name', 'status']],
      ['post', '/terminals', ['venueCode']],
      ['post', '/taps', ['tapId', 'cardNumber', 'action', 'occurredAt', 'venueCode', 'itemId']],
      ['put', '/sim/clock', ['now']],
      ['post', '/sim/clock/advance', ['seconds']],
    ])('describes the request body of %s %s', (method, path, fields) => {
      const operation = doc.paths[path][method];
      const ref = operation.requestBody?.content['application/json'].schema.$ref;
      expect(ref).toMatch(/^#\/components\/schemas\//);
      const schema = doc.components.schemas[ref!.split('/').pop()!];
      expect(Object.keys(schema.properties ?? {})).toEqual(expect.arrayContaining(fields));
    });

    it('describes the response of the main operations', () => {
      const response = (method: string, path: string, status: string) => doc.paths[path][method].responses[status]?.content?.['application/json'].schema;
      expect(response('post', '/cards', '201')).toBeDefined();
      expect(response('get', '/cards/{cardNumber}', '200')).toBeDefined();
      expect(response('get', '/venues', '200')).toBeDefined();
      expect(response('post', '/taps', '200')).toBeDefined();
      expect(response('get', '/taps', '200')).toBeDefined();
      expect(response('get', '/whitelist', '200')).toBeDefined();
      expect(response('get', '/hotlist', '200')).toBeDefined();
      expect(response('post', '/terminals', '201')).toBeDefined();
      expect(response('get', '/sim/clock', '200')).toBeDefined();
      expect(Object.values(doc.components.securitySchemes ?? {})).toEqual([expect.objectContaining({ type: 'http', scheme: 'bearer' })]);
    });

    const operations = () =>
      Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })),
      );
    /** The error schema of a status: ErrorView itself, or ErrorView with its `code` narrowed to the operation's codes. */
    const errorSchema = (operation: OpenApiOperation, status: string) => {
      const schema = operation.responses[status]?.content?.['application/json']?.schema;
      return schema?.$ref ?? schema?.allOf?.[0]?.$ref;
    };
    const errorCodes = (operation: OpenApiOperation, status: string): unknown =>
      operation.responses[status]?.content?.['application/json']?.schema.allOf?.[1]?.properties?.code?.enum;

    it('gives every operation a summary and a tag, the tags in the order of the SPEC', () => {
      expect(doc.tags?.map((tag) => tag.name)).toEqual(['cards', 'venues', 'taps', 'terminals', 'whitelist', 'money', 'simulation', 'operations']);
      const tagNames = new Set(doc.tags?.map((tag) => tag.name));
      const lacking = operations().filter(({ operation }) => !operation.summary || operation.tags?.length !== 1 || !tagNames.has(operation.tags[0]));
      expect(lacking.map(({ name }) => name)).toEqual([]);
    });

    it('documents 400 on every operation with input and 401 on every one that needs a key, with the one error schema', () => {
      const missing: string[] = [];
      for (const { name, operation } of operations()) {
        const takesInput = operation.requestBody !== undefined || (operation.parameters ?? []).some((p) => p.in === 'query');
        if (takesInput && errorSchema(operation, '400') !== '#/components/schemas/ErrorView') missing.push(`${name} 400`);
        if (operation.security?.length && errorSchema(operation, '401') !== '#/components/schemas/ErrorView') missing.push(`${name} 401`);
        for (const status of Object.keys(operation.responses).filter((s) => /^4/.test(s))) {
          if (errorSchema(operation, status) !== '#/components/schemas/ErrorView') missing.push(`${name} ${status} schema`);
        }
      }
      expect(missing).toEqual([]);
      expect(Object.keys(doc.components.schemas.ErrorView.properties ?? {})).toEqual(['statusCode', 'code', 'message', 'details']);
      expect(doc.components.schemas.ErrorView.required).toEqual(['statusCode', 'code', 'message']);
      expect(Object.keys(doc.components.schemas.ErrorDetailView.properties ?? {})).toEqual(['field', 'message', 'constraint', 'row']);
    });

    it('names the error codes of each status, gives every operation a unique operationId, and marks the public ones security: []', () => {
      const { post } = doc.paths['/cards'];
      expect(errorCodes(post, '409')).toEqual(['DUPLICATE_CARD']);
      expect(errorCodes(post, '400')).toEqual(['VALIDATION_FAILED']);
      expect(errorCodes(doc.paths['/cards/{cardNumber}/top-ups'].post, '409')).toEqual(['CARD_NOT_ACTIVE', 'IDEMPOTENCY_CONFLICT']);
      expect(errorCodes(doc.paths['/taps'].post, '503')).toEqual(['INJECTED_FAULT', 'SERVICE_UNAVAILABLE']);
      const ids = operations().map(({ operation }) => operation.operationId);
      expect(ids.filter((id) => !id || !/^[a-z][A-Za-z]+$/.test(id))).toEqual([]);
      expect(new Set(ids).size).toBe(ids.length);
      expect([doc.paths['/taps'].post.operationId, doc.paths['/taps/batch'].post.operationId, post.operationId]).toEqual(['recordTap', 'recordTapBatch', 'issueCard']);
      const publicOperations = operations().filter(({ operation }) => operation.security?.length === 0).map(({ name }) => name);
      expect(publicOperations.sort()).toEqual(['GET /health', 'GET /metrics']);
      expect(operations().filter(({ operation }) => operation.security === undefined)).toEqual([]);
      expect(doc.servers?.length).toBeGreaterThan(0);
    });

    it('gives POST /taps examples that are true: each request, posted on the seed data, gets the answer shown beside it', async () => {
      const operation = doc.paths['/taps'].post;
      const requests = operation.requestBody?.content['application/json'].examples ?? {};
      const answers = operation.responses['200'].content?.['application/json'].examples ?? {};
      expect(Object.keys(requests)).toEqual(Object.keys(answers));
      expect(Object.keys(requests).length).toBeGreaterThan(1);
      const sandbox = await startTestApp();
      try {
        await freezeClock(sandbox, TAP_EXAMPLE_NOW);
        for (const [name, example] of Object.entries(requests)) {
          const shown = answers[name].value as { decision: string; reason: string | null; action: string; itemId?: string; journey?: { id: string } };
          expect({ name, consistent: (shown.decision === 'APPROVED') === (shown.reason === null) }).toEqual({ name, consistent: true });
          if (shown.itemId !== undefined) expect(['BORROW', 'RETURN']).toContain(shown.action);
          const answer = (await sandbox.http.post('/taps').set(ADMIN).send(example.value).expect(200)).body;
          expect({ name, answer }).toEqual({ name, answer: shown.journey ? { ...shown, journey: { ...shown.journey, id: answer.journey.id } } : shown });
        }
      } finally {
        await sandbox.close();
      }
    });

    it('serves the OpenAPI UI at /docs without a key', async () => {
      const response = await t.http.get('/docs').redirects(1).expect(200);
      expect(response.headers['content-type']).toMatch(/text\/html/);
      expect(response.text).toMatch(/swagger/i);
    });
  });

  describe('/sim/clock', () => {
    it('freezes, advances and releases the clock, answering {now, frozen} each time', async () => {
      const frozen = await t.http.put('/sim/clock').set(ADMIN).send({ now: '2025-03-01T00:15:00Z' }).expect(200);
      expect(frozen.body).toEqual({ now: '2025-03-01T08:15:00+08:00', frozen: true });
      expect((await t.http.get('/sim/clock').set(ADMIN).expect(200)).body).toEqual(frozen.body);
      const advanced = await t.http.post('/sim/clock/advance').set(ADMIN).send({ seconds: 7200 }).expect(200);
      expect(advanced.body).toEqual({ now: '2025-03-01T10:15:00+08:00', frozen: true });
      const released = await t.http.delete('/sim/clock').set(ADMIN).expect(200);
      expect(released.body.frozen).toBe(false);
      expect(Math.abs(Date.parse(released.body.now) - Date.now())).toBeLessThan(60_000);
      expect((await t.http.get('/sim/clock').set(ADMIN).expect(200)).body.frozen).toBe(false);
    });

    it('freezes a running clock when advancing it', async () => {
      await t.http.delete('/sim/clock').set(ADMIN).expect(200);
      const advanced = await t.http.post('/sim/clock/advance').set(ADMIN).send({ seconds: 86_400 }).expect(200);
      expect(advanced.body.frozen).toBe(true);
      expect(Date.parse(advanced.body.now) - Date.now()).toBeGreaterThan(86_400_000 - 60_000);
      await t.http.delete('/sim/clock').set(ADMIN).expect(200);
    });

    it('reaches the rules: issuing a card uses the simulated today', async () => {
      await freezeClock(t, '2031-07-01T12:00:00+08:00');
      const card = await newCard(t);
      const read = await t.http.get(`/cards/${card}`).set(ADMIN).expect(200);
      expect(read.body).toMatchObject({ createdAt: '2031-07-01T12:00:00+08:00' });
      await t.http.delete('/sim/clock').set(ADMIN).expect(200);
    });

    it('refuses a non-positive advance and a time without an offset', async () => {
      expectError(await t.http.post('/sim/clock/advance').set(ADMIN).send({ seconds: 0 }), 400, 'VALIDATION_FAILED', ['seconds']);
      expectError(await t.http.post('/sim/clock/advance').set(ADMIN).send({ seconds: -5 }), 400, 'VALIDATION_FAILED', ['seconds']);
      expectError(await t.http.put('/sim/clock').set(ADMIN).send({ now: '2025-03-01T08:15:00' }), 400, 'VALIDATION_FAILED', ['now']);
    });

    it('needs the admin key', async () => {
      expectError(await t.http.get('/sim/clock'), 401, 'UNAUTHENTICATED');
    });
  });

  describe('/sim/reset', () => {
    it('wipes everything and reloads the seed data', async () => {
      await freezeClock(t, local(TUESDAY, '10:00'));
      const card = await newCard(t);
      await t.http.patch('/cards/T00000001').set(ADMIN).send({ status: 'TEMP_LOST' }).expect(200);
      await t.http.post('/sim/reset').set(ADMIN).expect(200);
      expectError(await t.http.get(`/cards/${card}`).set(ADMIN), 404, 'NOT_FOUND');
      expect((await t.http.get('/cards/T00000001').set(ADMIN).expect(200)).body).toMatchObject({ status: 'ACTIVE', balanceFen: 5000 });
      expect((await t.http.get('/taps').set(ADMIN).expect(200)).body).toEqual({ items: [], nextCursor: null });
      expect((await t.http.get('/venues/CD-M1-TFGC').set(ADMIN).expect(200)).body.status).toBe('ACTIVE');
      const result = await tap(t, { cardNumber: 'T00000001', venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: local(TUESDAY, '10:00') });
      expect(result.decision).toBe('APPROVED');
    });
  });

  describe('with SIM_API=false and ADMIN_API_KEYS set', () => {
    let production: TestApp;
    beforeAll(async () => {
      production = await startTestApp({ SIM_API: 'false', ADMIN_API_KEYS: 'ops-key-1, ops-key-2' });
    });
    afterAll(async () => {
      await production.close();
    });

    it('does not serve /sim at all: 404 NOT_FOUND', async () => {
      const key = bearer('ops-key-2');
      expectError(await production.http.get('/sim/clock').set(key), 404, 'NOT_FOUND');
      expectError(await production.http.put('/sim/clock').set(key).send({ now: '2025-03-01T08:15:00+08:00' }), 404, 'NOT_FOUND');
      expectError(await production.http.post('/sim/reset').set(key), 404, 'NOT_FOUND');
      const doc = (await production.http.get('/docs-json').expect(200)).body as OpenApiDocument;
      expect(Object.keys(doc.paths).filter((p) => p.startsWith('/sim'))).toEqual([]);
    });

    it('accepts only the configured admin keys: the development key is refused', async () => {
      await production.http.get('/cards/T00000001').set(bearer('ops-key-1')).expect(200);
      await production.http.get('/cards/T00000001').set(bearer('ops-key-2')).expect(200);
      expectError(await production.http.get('/cards/T00000001').set(ADMIN), 401, 'UNAUTHENTICATED');
    });
  });
});
