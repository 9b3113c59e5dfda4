import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { registerAdminConsole } from './admin/admin.module';
import { AppModule } from './app.module';
import { registerBodyParsing } from './common/body-parsing';
import { answerClientError, answerServiceUnavailableWhileClosing } from './common/http-edge';
import { registerImportBodyParsing } from './venues/import-body';
import { AppConfig, DEV_ADMIN_KEY } from './config/app-config';
import { MetricsService } from './metrics/metrics.service';

export const BODY_LIMIT_BYTES = 1024 * 1024;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
/**
 * The request id of logs and of the X-Request-Id answer: the caller's when it sends a sane one,
 * else a new UUID. Fastify assigns it before any middleware runs, so pino-http logs this one.
 */
function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Builds the application exactly as production runs it: Fastify, the global pipe, filter and
 * guard (registered in AppModule), OpenAPI at /docs, metrics of every request. `main.ts`, the
 * e2e specs and the embedding API all start here.
 */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: requestIdOf,
    // Errors raised before the router answer in our error body too (src/common/http-edge.ts).
    clientErrorHandler: answerClientError,
    return503OnClosing: false,
  });
  // Before Nest registers routes: the bodies the API reads (JSON, CSV where a route opts in),
  // per-route body limits (the venue import), the console's files.
  registerBodyParsing(adapter.getInstance());
  answerServiceUnavailableWhileClosing(adapter.getInstance());
  registerImportBodyParsing(adapter.getInstance());
  registerAdminConsole(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), adapter, {
    bufferLogs: true,
    abortOnError: false,
    // Nest's JSON and form parsers are replaced by registerBodyParsing.
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();

  const metrics = app.get(MetricsService);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  fastify
    .addHook('onResponse', (request, reply, done) => {
      metrics.requestDuration.observe(
        { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
      done();
    });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('OneCard Simulator')
      .setDescription('Back office in miniature of the Sichuan–Chongqing one-card scheme (一卡走川渝)')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'admin key or terminal key' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });

  if (config.adminKeysDefaulted) {
    new NestLogger('Auth').warn(`ADMIN_API_KEYS is not set: accepting the development key "${DEV_ADMIN_KEY}"`);
  }
  if (config.ssnHashKeyDefaulted) {
    new NestLogger('Cards').warn('SSN_HASH_KEY is not set: ssn hashes use a development key');
  }
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
