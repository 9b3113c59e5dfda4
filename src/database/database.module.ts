import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Client } from 'pg';
import type { AppConfig } from '../config/app-config';
import { buildDataSourceOptions } from './data-source-options';
import { Transactions } from './transactions';

/** Creates the PostgreSQL schema named by DB_SCHEMA (a private schema per test run) if it is missing. */
export async function ensurePostgresSchema(database: AppConfig['database']): Promise<void> {
  if (database.kind !== 'postgres' || !database.schema) return;
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${database.schema}"`);
  } finally {
    await client.end();
  }
}

@Global()
@Module({})
export class DatabaseModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            await ensurePostgresSchema(config.database);
            return { ...buildDataSourceOptions(config.database), migrationsRun: true };
          },
        }),
      ],
      providers: [Transactions],
      exports: [Transactions],
    };
  }
}
