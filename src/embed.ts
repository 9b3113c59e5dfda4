import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.factory';
import { loadAppConfig } from './config/app-config';
import { dropPostgresSchema } from './database/database.module';

/** Options of {@link startSimulator}. */
export interface SimulatorOptions {
  /**
   * Extra environment for the service (SPEC §7 names them), e.g. `{ MAX_BALANCE_FEN: '50000' }`.
   * `process.env` is never read. `DATABASE_URL` selects PostgreSQL: without `DB_SCHEMA`, a
   * private schema is created and dropped at close.
   */
  env?: Record<string, string>;
  /** TCP port on 127.0.0.1; default 0, a free port chosen by the system. */
  port?: number;
  /** SQLite file to use instead of the default private `:memory:` database; it is kept at close. */
  databasePath?: string;
}

/** The simulated clock of the running service (SPEC §6), as `/sim/clock` moves it. */
export interface SimulatorClock {
  /** Freezes the service's now at an instant, e.g. `2025-03-01T08:00:00+08:00`. */
  freeze(iso: string): Promise<void>;
  /** Moves now forward by whole seconds, freezing it there if it was running. */
  advance(seconds: number): Promise<void>;
  /** The service's now, as `2025-03-01T08:00:00+08:00`. */
  now(): Promise<string>;
  /** Back to real time. */
  release(): Promise<void>;
}

export interface Simulator {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** An admin key the service accepts: `Authorization: Bearer <adminKey>`. */
  adminKey: string;
  clock: SimulatorClock;
  /** Wipes everything and reloads the seed data (`POST /sim/reset`); faults are cleared, the clock is kept. */
  reset(): Promise<void>;
  /** Stops the service and deletes its private database. */
  close(): Promise<void>;
}

/**
 * Starts the OneCard service in this process, for a test suite to drive over HTTP: a free
 * loopback port, a private database, a generated admin key, logs silent.
 *
 * The handles call the service's own HTTP routes (`/sim/clock`, `/sim/reset`) in-process through
 * Fastify's `inject` — no socket, the same validation and behaviour a client gets — so they need
 * the simulation API (do not pass `SIM_API=false`).
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const given = options.env ?? {};
  const adminKey = firstKey(given.ADMIN_API_KEYS) ?? `sim-${randomBytes(18).toString('hex')}`;
  const privateSchema = given.DATABASE_URL && !given.DB_SCHEMA ? `sim_${randomBytes(6).toString('hex')}` : undefined;
  const config = loadAppConfig({
    LOG_LEVEL: 'silent',
    LOG_REQUESTS: 'false',
    // A test harness drives the service as fast as it can; rate limiting would only get in the way.
    RATE_LIMIT_PER_MINUTE: '0',
    SSN_HASH_KEY: randomBytes(16).toString('hex'),
    ...given,
    ADMIN_API_KEYS: given.ADMIN_API_KEYS ?? adminKey,
    PORT: String(options.port ?? 0),
    ...(given.DATABASE_URL ? { DB_SCHEMA: given.DB_SCHEMA ?? privateSchema } : { DB_PATH: options.databasePath ?? ':memory:' }),
  });
  if (config.simApi === false) throw new Error('startSimulator needs the simulation API: SIM_API=false is not supported');

  let app: NestFastifyApplication;
  try {
    app = await createApp(config);
    await app.listen(config.port, '127.0.0.1');
  } catch (error) {
    if (privateSchema) await dropPostgresSchema(given.DATABASE_URL, privateSchema);
    throw error;
  }
  const address = app.getHttpServer().address() as AddressInfo;
  const fastify = app.getHttpAdapter().getInstance();
  const authorization = `Bearer ${adminKey}`;

  const call = async (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: object) => {
    const response = await fastify.inject({ method, url, payload, headers: { authorization } });
    if (response.statusCode >= 300) {
      throw new Error(`${method} ${url} answered ${response.statusCode}: ${response.body}`);
    }
    return response.body.length > 0 ? (JSON.parse(response.body) as Record<string, unknown>) : {};
  };

  let closed = false;
  return {
    url: `http://127.0.0.1:${address.port}`,
    adminKey,
    clock: {
      async freeze(iso) {
        await call('PUT', '/sim/clock', { now: iso });
      },
      async advance(seconds) {
        await call('POST', '/sim/clock/advance', { seconds });
      },
      async now() {
        return String((await call('GET', '/sim/clock')).now);
      },
      async release() {
        await call('DELETE', '/sim/clock');
      },
    },
    async reset() {
      await call('POST', '/sim/reset');
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      if (privateSchema) await dropPostgresSchema(given.DATABASE_URL, privateSchema);
    },
  };
}

function firstKey(keys: string | undefined): string | undefined {
  return keys
    ?.split(',')
    .map((k) => k.trim())
    .find((k) => k.length > 0);
}

