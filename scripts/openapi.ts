/**
 * Writes the OpenAPI document the service serves at /docs-json, built from the code by the app
 * itself on a private in-memory database (no server, no port), then the TypeScript types of it
 * that the generated-client spec imports:
 *
 *   node -r @swc-node/register scripts/openapi.ts [--types]
 *
 * writes `generated/openapi.json` (and with --types `generated/onecard-api.d.ts`). Both are
 * git-ignored: CI and `npm test` produce them from the code they test.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createApp } from '../src/app.factory';
import { loadAppConfig } from '../src/config/app-config';

const ROOT = resolve(__dirname, '..');
const OUT = join(ROOT, 'generated');

async function main(): Promise<void> {
  const app = await createApp(loadAppConfig({ NODE_ENV: 'test', DB_PATH: ':memory:', LOG_LEVEL: 'silent', LOG_REQUESTS: 'false' }));
  try {
    const response = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/docs-json' });
    if (response.statusCode !== 200) throw new Error(`GET /docs-json answered ${response.statusCode}`);
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, 'openapi.json'), `${JSON.stringify(JSON.parse(response.body), null, 2)}\n`);
  } finally {
    await app.close();
  }
  if (process.argv.includes('--types')) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'), '--default-non-nullable=false'], {
      // It reads the input and output from redocly.yaml (x-openapi-ts). A default makes a request
      // field optional, not present: --default-non-nullable=false.
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
