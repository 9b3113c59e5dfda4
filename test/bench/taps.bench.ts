/**
 * `npm run bench`: taps per second through the whole HTTP path, against a bare validated route
 * of the same app (PUT /sim/clock: a validated body and no database work) as the baseline.
 * The service runs in this process on SQLite (or DATABASE_URL); the load comes from a worker
 * thread over keep-alive connections. Options: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (32).
 */
import { Worker } from 'node:worker_threads';
import { createApp } from '../../src/app.factory';
import { loadAppConfig } from '../../src/config/app-config';
import { makeSsn } from '../../src/cards/ssn';
import { dropPostgresSchema } from '../../src/database/database.module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const CARDS = 400;
const ADMIN = 'Bearer bench-admin-key';

const loadGenerator = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { port, seconds, connections, kind, cards, startMs } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const stations = ['CD-M1-TFGC', 'CD-M1-HXB', 'CD-M2-CXL', 'CD-M1-SXH', 'CQ-R1-CTM', 'CQ-R1-DP'];
let sent = 0, ok = 0, failed = 0;
const latencies = [];
const deadline = Date.now() + seconds * 1000;
function body(i) {
  if (kind === 'bare') return JSON.stringify({ now: '2025-06-02T12:00:00+08:00' });
  const card = cards[i % cards.length];
  const round = Math.floor(i / cards.length);
  const entry = round % 2 === 0;
  const net = (i % cards.length) % 2 === 0 ? 0 : 4;
  return JSON.stringify({
    tapId: 'BENCH-' + i,
    cardNumber: card,
    venueCode: stations[net + (entry ? 0 : 1)],
    action: entry ? 'ENTRY' : 'EXIT',
    occurredAt: new Date(startMs + round * 120000).toISOString(),
  });
}
function one() {
  if (Date.now() > deadline) return Promise.resolve();
  const i = sent++;
  const payload = body(i);
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const req = http.request({ port, host: '127.0.0.1', agent, method: kind === 'bare' ? 'PUT' : 'POST', path: kind === 'bare' ? '/sim/clock' : '/taps',
      headers: { 'content-type': 'application/json', authorization: '${ADMIN}', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      res.resume();
      res.on('end', () => {
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (res.statusCode === 200) ok++; else failed++;
        resolve();
      });
    });
    req.on('error', () => { failed++; resolve(); });
    req.end(payload);
  }).then(one);
}
const began = Date.now();
Promise.all(Array.from({ length: connections }, one)).then(() => {
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  parentPort.postMessage({ ok, failed, seconds: (Date.now() - began) / 1000, p50: q(0.5), p99: q(0.99) });
});
`;

function run(port: number, kind: 'bare' | 'taps', cards: string[], startMs: number) {
  return new Promise<{ ok: number; failed: number; seconds: number; p50: number; p99: number }>((resolve, reject) => {
    const worker = new Worker(loadGenerator, { eval: true, workerData: { port, seconds: SECONDS, connections: CONNECTIONS, kind, cards, startMs } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-bench-'));
  const config = loadAppConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    LOG_REQUESTS: 'false',
    ADMIN_API_KEYS: 'bench-admin-key',
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL, DB_SCHEMA: `bench_${process.pid}` } : { DB_PATH: join(dir, 'bench.sqlite') }),
  });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const port = Number(new URL(await app.getUrl()).port);
  const http = (method: string, path: string, body?: unknown): Promise<{ cardNumber: string }> =>
    fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { authorization: ADMIN, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined }).then(async (r) => {
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
      return (await r.json()) as { cardNumber: string };
    });

  const startMs = Date.parse('2025-06-02T06:00:00+08:00');
  await http('PUT', '/sim/clock', { now: '2025-06-08T23:00:00+08:00' });
  const cards: string[] = [];
  for (let i = 0; i < CARDS; i++) {
    const card = await http('POST', '/cards', { ssn: makeSsn('510104', `1990-01-${String((i % 28) + 1).padStart(2, '0')}`, i), name: `压测${i}`, issuerCode: i % 2 ? '500100' : '510100', validFrom: '2025-01-01' });
    await http('POST', `/cards/${card.cardNumber}/top-ups`, { amountFen: 90000, reference: `bench-${card.cardNumber}` });
    cards.push(card.cardNumber);
  }

  const bare = await run(port, 'bare', cards, startMs);
  const taps = await run(port, 'taps', cards, startMs);
  const rate = (r: { ok: number; seconds: number }) => Math.round(r.ok / r.seconds);
  const database = process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite';
  console.log(`database: ${database}, ${CONNECTIONS} connections, ${SECONDS} s each, 2-core machine`);
  console.log(`bare validated route (PUT /sim/clock): ${rate(bare)} req/s, p50 ${bare.p50.toFixed(1)} ms, p99 ${bare.p99.toFixed(1)} ms, failed ${bare.failed}`);
  console.log(`POST /taps:                           ${rate(taps)} taps/s, p50 ${taps.p50.toFixed(1)} ms, p99 ${taps.p99.toFixed(1)} ms, failed ${taps.failed}`);
  console.log(`taps / bare: ${(rate(taps) / rate(bare)).toFixed(2)}`);
  await app.close();
  if (process.env.DATABASE_URL) await dropPostgresSchema(process.env.DATABASE_URL, `bench_${process.pid}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
