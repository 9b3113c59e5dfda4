/**
 * The built service as `npm start` runs it (`node dist/src/main.js`), in child processes of a
 * spec or script: crashed with SIGKILL, stopped with SIGTERM, restarted on the same database.
 * The database is a SQLite file in a temp dir, or a private schema of DATABASE_URL.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { dropPostgresSchema } from '../../src/database/database.module';
import type { BenchDatabase } from '../bench/bulk';
import { Server } from '../bench/servers';

const ROOT = resolve(__dirname, '../..');
export const CHILD_ADMIN_KEY = 'child-admin-key-7f3a9c';
export const CHILD_SSN_HASH_KEY = 'child-ssn-hash-key-51c2';

/**
 * Builds dist/ when something under src/ changed since the last build (once per process). Under
 * flock(1): spec files in parallel workers would otherwise run two compilers into one dist/.
 */
let built = false;
export function buildServiceIfStale(): void {
  if (built) return;
  const lock = join(tmpdir(), `onecard-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  execFileSync('flock', [lock, process.execPath, join(ROOT, 'scripts/build.js'), '--if-stale'], { cwd: ROOT, stdio: 'pipe' });
  built = true;
}

export interface ChildDatabase {
  database: BenchDatabase;
  /** The variables that point a child at this database. */
  env: Record<string, string>;
  /** The temp dir of the SQLite file and the children's logs. */
  dir: string;
  drop(): Promise<void>;
}

export function newChildDatabase(databaseUrl = process.env.DATABASE_URL): ChildDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-child-'));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  if (databaseUrl) {
    const schema = `c_${process.pid}_${randomBytes(4).toString('hex')}`;
    return {
      database: { kind: 'postgres', url: databaseUrl, schema },
      env: { DATABASE_URL: databaseUrl, DB_SCHEMA: schema },
      dir,
      drop: async () => {
        await dropPostgresSchema(databaseUrl, schema);
        removeDir();
      },
    };
  }
  const path = join(dir, 'onecard.sqlite');
  return { database: { kind: 'sqlite', path }, env: { DB_PATH: path }, dir, drop: async () => removeDir() };
}

/**
 * A PostgreSQL database of its own, created empty beside DATABASE_URL's (on the same server) and
 * dropped, with whatever is still connected, by `drop()`: for instances started together on a
 * database nobody has migrated yet.
 */
export async function newPostgresDatabase(databaseUrl: string): Promise<ChildDatabase> {
  const name = `onecard_fresh_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const dir = mkdtempSync(join(tmpdir(), 'onecard-child-'));
  return {
    database: { kind: 'postgres', url: url.toString(), schema: 'public' },
    env: { DATABASE_URL: url.toString() },
    dir,
    drop: async () => {
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the service on `database` and waits for `GET /health`: production mode (so both keys are
 * required and given), warnings and errors logged to `<dir>/<name>.log`, no rate limit.
 */
export function startService(database: Pick<ChildDatabase, 'env' | 'dir'>, name: string, port: number, env: Record<string, string> = {}): Promise<Server> {
  return Server.start(
    name,
    [join(ROOT, 'dist/src/main.js')],
    {
      NODE_ENV: 'production',
      ADMIN_API_KEYS: CHILD_ADMIN_KEY,
      SSN_HASH_KEY: CHILD_SSN_HASH_KEY,
      LOG_LEVEL: 'warn',
      LOG_REQUESTS: 'false',
      RATE_LIMIT_PER_MINUTE: '0',
      ...database.env,
      ...env,
    },
    join(database.dir, `${name}.log`),
    '/health',
    port,
  );
}

export interface Answer {
  status: number;
  replayed: boolean;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the caller reads the JSON it expects
  body: any;
}

/** One request with the admin key (or `key`); rejects on a network error or after `timeoutMs`. */
export async function call(url: string, method: string, path: string, body?: unknown, key = CHILD_ADMIN_KEY, timeoutMs = 15_000): Promise<Answer> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  return { status: response.status, replayed: response.headers.get('idempotent-replayed') === 'true', text, body: parsed };
}
