import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { makeSsn } from '../../src/cards/ssn';
import { loadAppConfig } from '../../src/config/app-config';
import { dropPostgresSchema } from '../../src/database/database.module';
import { observeContract } from './openapi-contract';

export const ADMIN = { Authorization: 'Bearer dev-admin-key' };

export interface TestApp {
  app: NestFastifyApplication;
  http: ReturnType<typeof request>;
  close(): Promise<void>;
}

/**
 * Boots AppModule exactly as production does, on a fresh database: SQLite in memory, or, when
 * DATABASE_URL is set, a private PostgreSQL schema that is dropped at close.
 */
export async function startTestApp(env: Record<string, string> = {}, options: Parameters<typeof createApp>[1] = {}): Promise<TestApp> {
  const databaseUrl = process.env.DATABASE_URL;
  const schema = databaseUrl ? `t_${process.pid}_${randomBytes(4).toString('hex')}` : undefined;
  const app = await bootOn(databaseUrl ? { DATABASE_URL: databaseUrl, DB_SCHEMA: schema as string } : { DB_PATH: ':memory:' }, env, options);
  return {
    app,
    http: request(app.getHttpServer()),
    async close() {
      await app.close();
      if (databaseUrl && schema) await dropPostgresSchema(databaseUrl, schema);
    },
  };
}

/** Boots AppModule on a fresh in-memory SQLite database whatever DATABASE_URL says (a second dialect beside it). */
export async function startSqliteTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const app = await bootOn({ DB_PATH: ':memory:' }, env);
  return { app, http: request(app.getHttpServer()), close: () => app.close() };
}

/**
 * A database that outlives the apps started on it, for restarts and several instances: a SQLite
 * file in a temporary directory, or, when DATABASE_URL is set, a private PostgreSQL schema.
 * Nothing exists until the first app starts on it; `drop()` deletes it.
 */
export interface TestDatabase {
  postgres: boolean;
  env: Record<string, string>;
  drop(): Promise<void>;
}

export function newTestDatabase(): TestDatabase {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
    return { postgres: true, env: { DATABASE_URL: databaseUrl, DB_SCHEMA: schema }, drop: () => dropPostgresSchema(databaseUrl, schema) };
  }
  const directory = mkdtempSync(join(tmpdir(), 'onecard-test-'));
  return {
    postgres: false,
    env: { DB_PATH: join(directory, 'onecard.sqlite') },
    drop: async () => rmSync(directory, { recursive: true, force: true }),
  };
}

/** Boots AppModule on `database` as it is (migrating and seeding it if new); close keeps the database. */
export async function startTestAppOn(database: TestDatabase, env: Record<string, string> = {}): Promise<TestApp> {
  const app = await bootOn(database.env, env);
  return { app, http: request(app.getHttpServer()), close: () => app.close() };
}

function bootOn(
  databaseEnv: Record<string, string>,
  env: Record<string, string>,
  options: Parameters<typeof createApp>[1] = {},
): Promise<NestFastifyApplication> {
  return createApp(
    loadAppConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      ...databaseEnv,
      ...env,
    }),
    // Every exchange of every e2e spec is checked against the app's OpenAPI document.
    { observe: observeContract, ...options },
  );
}

let ssnSequence = 0;
/** A valid resident ID number for a new person. */
export function newSsn(regionCode = '510104', birthDate = '1990-05-17'): string {
  ssnSequence += 1;
  const [y, m, d] = birthDate.split('-');
  const day = Number(d) + (Math.floor(ssnSequence / 1000) % 10);
  return makeSsn(regionCode, `${y}-${m}-${String(day).padStart(2, '0')}`, ssnSequence % 1000);
}

/** Issues a card through the API and tops it up; the factory every spec uses. */
export async function newCard(
  t: TestApp,
  options: { issuerCode?: string; birthDate?: string; balanceFen?: number; concession?: string; transportEnabled?: boolean } = {},
) {
  const issuerCode = options.issuerCode ?? '510100';
  const response = await t.http
    .post('/cards')
    .set(ADMIN)
    .send({
      ssn: newSsn(issuerCode.slice(0, 4) + '04', options.birthDate),
      name: '测试用户',
      issuerCode,
      validFrom: '2024-01-01',
      ...(options.concession ? { concession: options.concession } : {}),
      ...(options.transportEnabled === false ? { transportEnabled: false } : {}),
    })
    .expect(201);
  const cardNumber: string = response.body.cardNumber;
  if (options.balanceFen) {
    await t.http
      .post(`/cards/${cardNumber}/top-ups`)
      .set(ADMIN)
      .send({ amountFen: options.balanceFen, reference: `init-${cardNumber}` })
      .expect(200);
  }
  return cardNumber;
}

export async function freezeClock(t: TestApp, now: string): Promise<void> {
  await t.http.put('/sim/clock').set(ADMIN).send({ now }).expect(200);
}

let tapSequence = 0;
/** Posts a tap with the admin key; returns the decision body. */
export async function tap(
  t: TestApp,
  body: { cardNumber: string; venueCode: string; action: string; occurredAt: string; itemId?: string; tapId?: string },
) {
  tapSequence += 1;
  const response = await t.http
    .post('/taps')
    .set(ADMIN)
    .send({ tapId: `TEST-${process.pid}-${tapSequence}`, ...body })
    .expect(200);
  return response.body;
}
