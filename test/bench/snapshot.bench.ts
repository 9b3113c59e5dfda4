/**
 * Snapshot save and restore at 10,000 cards and 100,000 journal rows (SPEC §6: restore before
 * every test): `node -r @swc-node/register test/bench/snapshot.bench.ts [--cards N] [--journal N] [--runs R]`.
 * SQLite by default (a file in a temporary directory); with DATABASE_URL, PostgreSQL in a private
 * schema dropped afterwards. The bulk rows are written straight into the database (bulk.ts), the
 * snapshot is saved and restored through the HTTP API, and the restored state is checked.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startSimulator, Simulator } from '../../src/embed';
import { BenchDatabase, postgresSchema, writeBulk } from './bulk';

const SSN_HASH_KEY = 'bench-snapshot-key';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at === -1 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a whole number ≥ 1`);
  return value;
}

async function call(sim: Simulator, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${sim.adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: response.status === 204 ? null : await response.json() };
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

async function main(): Promise<void> {
  const cards = option('cards', 10_000);
  const journal = option('journal', 100_000);
  const runs = option('runs', 3);
  const url = process.env.DATABASE_URL;
  const directory = mkdtempSync(join(tmpdir(), 'onecard-snapshot-bench-'));
  const schema = `bench_snap_${randomBytes(4).toString('hex')}`;
  const database: BenchDatabase = url ? { kind: 'postgres', url, schema } : { kind: 'sqlite', path: join(directory, 'onecard.sqlite') };
  const env = { SSN_HASH_KEY, ...(url ? { DATABASE_URL: url, DB_SCHEMA: schema } : {}) };
  const options = url ? { env } : { env, databasePath: (database as { path: string }).path };
  try {
    if (url) await postgresSchema(url, schema, 'create');
    // Migrate and seed, then add the bulk rows while no service runs.
    await (await startSimulator(options)).close();
    await writeBulk(database, { cards, venues: 0, journal }, SSN_HASH_KEY);

    const sim = await startSimulator(options);
    try {
      const save = await timed(() => call(sim, 'POST', '/sim/snapshots', { name: 'bench' }));
      if (save.value.status !== 201) throw new Error(`save answered ${save.value.status}`);
      const counts = (save.value.body as { counts: Record<string, number> }).counts;
      const download = await timed(() => fetch(`${sim.url}/sim/snapshots/bench/file`, { headers: { authorization: `Bearer ${sim.adminKey}` } }).then((r) => r.arrayBuffer()));
      const restores: number[] = [];
      for (let run = 0; run < runs; run++) {
        await call(sim, 'POST', '/sim/reset');
        const restore = await timed(() => call(sim, 'POST', '/sim/snapshots/bench/restore'));
        if (restore.value.status !== 200) throw new Error(`restore answered ${restore.value.status}`);
        restores.push(restore.ms);
      }
      const page = await call(sim, 'GET', '/taps?limit=1');
      if ((page.body as { items: unknown[] }).items.length !== 1) throw new Error('the restored journal is empty');
      const card = await call(sim, 'GET', '/cards/B00000000');
      if (card.status !== 200) throw new Error('a bulk card is missing after the restore');

      const ms = (value: number) => `${value.toFixed(0)} ms`;
      console.log(`database:                 ${url ? 'PostgreSQL' : 'SQLite (file, WAL)'}`);
      console.log(`rows:                     cards ${counts.card}, taps ${counts.tap}, ledger ${counts.ledger_entry}, audit ${counts.audit_entry}`);
      console.log(`save (POST /sim/snapshots): ${ms(save.ms)}`);
      console.log(`download (gzip):          ${ms(download.ms)}, ${(download.value.byteLength / 1024 / 1024).toFixed(1)} MiB`);
      console.log(`restore (after a reset):  ${restores.map(ms).join(', ')}`);
    } finally {
      await sim.close();
    }
  } finally {
    if (url) await postgresSchema(url, schema, 'drop');
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
