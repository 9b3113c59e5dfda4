import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { buildDataSourceOptions } from './data-source-options';
import { GroupWriter } from './group-writer';
import { withStartupLock } from './startup-lock';
import { Transactions } from './transactions';

/** Runs one statement on its own short-lived connection (schema set-up and clean-up). */
async function onOwnConnection(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates the PostgreSQL schema named by DB_SCHEMA (a private schema per test run) if it is missing. */
export async function ensurePostgresSchema(database: AppConfig['database']): Promise<void> {
  if (database.kind !== 'postgres' || !database.schema) return;
  await onOwnConnection(database.url, `CREATE SCHEMA IF NOT EXISTS "${database.schema}"`);
}

/** Drops a private PostgreSQL schema with everything in it (a test run's, an embedded simulator's). */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  await onOwnConnection(url, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

@Global()
@Module({})
export class DatabaseModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => buildDataSourceOptions(config.database),
          // Migrations run here rather than through `migrationsRun`, under the start-up lock and
          // in one transaction: instances started together would otherwise race on CREATE SCHEMA,
          // on TypeORM's `migrations` table and on every CREATE TABLE.
          dataSourceFactory: (options) =>
            withStartupLock(config.database, async () => {
              await ensurePostgresSchema(config.database);
              const dataSource = await new DataSource(options ?? buildDataSourceOptions(config.database)).initialize();
              try {
                await dataSource.runMigrations({ transaction: 'all' });
              } catch (error) {
                await dataSource.destroy();
                throw error;
              }
              return dataSource;
            }),
        }),
      ],
      providers: [Transactions, GroupWriter],
      exports: [Transactions, GroupWriter],
    };
  }
}
