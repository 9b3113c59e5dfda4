import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.factory';
import { loadAppConfig } from './config/app-config';
import { setHeapGrowingFactor } from './common/heap-growth';

async function main(): Promise<void> {
  setHeapGrowingFactor();
  let config;
  try {
    config = loadAppConfig(process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  const app = await createApp(config);
  await app.listen(config.port, '0.0.0.0');
  // The bound address, not the configured one: PORT=0 picks a free port.
  const { address, port } = app.getHttpServer().address() as AddressInfo;
  new Logger('Main').log(`OneCard Simulator listening on http://${address}:${port}`);
}

void main();
