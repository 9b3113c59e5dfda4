import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadAppConfig } from './src/config/app-config';
import { buildDataSourceOptions } from './src/database/data-source-options';

/**
 * The DataSource for the TypeORM CLI (`npm run typeorm -- migration:run`), built from the same
 * environment and options as the app: SQLite at DB_PATH, or PostgreSQL at DATABASE_URL.
 */
export default new DataSource(buildDataSourceOptions(loadAppConfig(process.env).database));
