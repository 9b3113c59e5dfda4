import { Writable } from 'node:stream';
import { ADMIN, newSsn, startTestApp, TestApp } from './support/test-app';

/** Collects the service's JSON log lines. */
function logSink() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { stream, lines, raw };
}

describe('logs', () => {
  const sink = logSink();
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'info' }, { logDestination: sink.stream });
  });
  afterAll(async () => {
    await t.close();
  });

  const requestLines = () => sink.lines.filter((line) => line.msg === 'request' || line.msg === 'request failed');

  it('warns at start-up that the development key is in use, naming the variable and never the key', () => {
    const warning = sink.lines.find((line) => String(line.msg).includes('ADMIN_API_KEYS'));
    expect(warning).toMatchObject({ level: 40, context: 'Auth' });
    expect(sink.raw.join('\n')).not.toContain('dev-admin-key');
  });

  it('writes one line per request with its id, route, status and time', async () => {
    const before = requestLines().length;
    await t.http.get('/cards/T00000001').set(ADMIN).set('X-Request-Id', 'trace-42').expect(200);
    const lines = requestLines().slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ reqId: 'trace-42', method: 'GET', url: '/cards/:cardNumber', statusCode: 200 });
    expect(typeof lines[0].ms).toBe('number');
    expect(lines[0].code).toBeUndefined();
    // Each key once: a JSON line with a key twice reads differently in different log tools.
    const rawLine = sink.raw.find((line) => line.includes('"trace-42"')) ?? '';
    expect(rawLine.match(/"reqId":/g)).toHaveLength(1);
  });

  it('logs a 4xx answer with its stable code', async () => {
    const before = requestLines().length;
    await t.http.get('/cards/NOSUCHXX1').set(ADMIN).expect(404);
    await t.http.get('/cards/T00000001').set({ Authorization: 'Bearer wrong-key-123' }).expect(401);
    expect(requestLines().slice(before)).toEqual([
      expect.objectContaining({ statusCode: 404, code: 'NOT_FOUND' }),
      expect.objectContaining({ statusCode: 401, code: 'UNAUTHENTICATED' }),
    ]);
  });

  it('never logs an ssn, a body or a key', async () => {
    const ssn = newSsn();
    await t.http.post('/cards').set(ADMIN).send({ ssn, name: '日志测试', issuerCode: '510100' }).expect(201);
    await t.http.post('/cards').set(ADMIN).send({ ssn: ssn.slice(0, 17) + 'Y', name: '日志测试', issuerCode: '510100' }).expect(400);
    await t.http.get('/cards/T00000001').set({ Authorization: 'Bearer secret-terminal-key-xyz' }).expect(401);
    const all = sink.raw.join('\n');
    expect(all).not.toContain(ssn.slice(0, 17));
    expect(all).not.toContain('日志测试');
    expect(all).not.toContain('secret-terminal-key-xyz');
    expect(all).not.toContain('dev-admin-key');
  });
});

describe('logs with LOG_REQUESTS=false', () => {
  it('writes no request lines', async () => {
    const sink = logSink();
    const t = await startTestApp({ LOG_LEVEL: 'info', LOG_REQUESTS: 'false' }, { logDestination: sink.stream });
    try {
      await t.http.get('/cards/T00000001').set(ADMIN).expect(200);
      await t.http.get('/cards/NOSUCHXX1').set(ADMIN).expect(404);
      expect(sink.lines.filter((line) => 'statusCode' in line)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
