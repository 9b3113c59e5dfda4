import 'reflect-metadata';
import { createApp } from './app.factory';
import { loadAppConfig } from './config/app-config';

async function main(): Promise<void> {
  let config;
  try {
    config = loadAppConfig(process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  const app = await createApp(config);
  await app.listen(config.port, '0.0.0.0');
}

void main();
