import { Client } from 'pg';
import type { AppConfig } from '../config/app-config';

/**
 * Runs `work` while holding a PostgreSQL advisory lock dedicated to start-up, on a connection of
 * its own: instances started together on one database create the schema, run migrations and
 * seed one after the other, and each later one finds the work done. The lock is per schema
 * (private test schemas don't wait for each other) and goes with its connection if the process
 * dies. SQLite: `work` runs as is (one process owns the file).
 */
export async function withStartupLock<T>(database: AppConfig['database'], work: () => Promise<T>): Promise<T> {
  if (database.kind !== 'postgres') return work();
  const client = new Client({ connectionString: database.url });
  await client.connect();
  const key = `onecard:start-up:${database.schema ?? 'public'}`;
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
    }
  } finally {
    await client.end();
  }
}
