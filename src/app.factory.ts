import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DestinationStream } from 'pino';
import { registerAdminConsole } from './admin/admin.module';
import { AppModule } from './app.module';
import { registerBodyParsing } from './common/body-parsing';
import { answerClientError, answerFrameworkError, answerServiceUnavailableWhileClosing } from './common/http-edge';
import { registerImportBodyParsing } from './venues/import-body';
import { SharedState } from './common/shared-state';
import { createLogger, NestPinoLogger, RequestLogController } from './common/logging';
import { registerRateLimit } from './common/rate-limit';
import { AppConfig } from './config/app-config';
import { MetricsService } from './metrics/metrics.service';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { TOKEN_FORM } from './common/forms';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Paths that never read the clock: health, metrics, the OpenAPI pages, the console's files. */
const CLOCKLESS_ROUTES = /^\/(health|metrics|docs|admin)(\/|\?|-|$)/;

/**
 * The request id of logs and of the X-Request-Id answer: the caller's when it sends a sane one,
 * else a new UUID, assigned by Fastify before anything else runs.
 */
function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && TOKEN_FORM.test(given) ? given : randomUUID();
}

/**
 * Builds the application exactly as production runs it: Fastify, the global pipe, filter and
 * guard (registered in AppModule), OpenAPI at /docs, metrics of every request. `main.ts`, the
 * e2e specs and the embedding API all start here.
 */
export interface CreateAppOptions {
  logDestination?: DestinationStream;
  /** Called before the app is ready, e.g. to add Fastify hooks: the e2e suite's contract check. */
  observe?: (fastify: FastifyInstance, document: OpenAPIObject) => void;
}

export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const logger = createLogger(config.logLevel, options.logDestination);
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: requestIdOf,
    loggerInstance: logger,
    // No child logger per request: the one request line names its reqId itself (RequestLogController).
    childLoggerFactory: (parent: FastifyBaseLogger) => parent,
    logController: new RequestLogController(config.logRequests),
    // Errors raised before the router answer in our error body too (src/common/http-edge.ts).
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    return503OnClosing: false,
  });
  // Before Nest registers routes: the bodies the API reads (JSON, CSV where a route opts in),
  // per-route body limits (the venue import), the console's files, the rate limit.
  registerBodyParsing(adapter.getInstance());
  answerServiceUnavailableWhileClosing(adapter.getInstance());
  registerImportBodyParsing(adapter.getInstance());
  registerAdminConsole(adapter.getInstance());
  registerRateLimit(adapter.getInstance(), config.rateLimitPerMinute);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), adapter, {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
    // Nest's JSON and form parsers are replaced by registerBodyParsing.
    bodyParser: false,
  });
  app.enableShutdownHooks();

  const metrics = app.get(MetricsService);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  // The simulated clock and the versions of what instances cache are shared through the
  // database (SPEC §6): each request starts from their state as of its arrival. Routes that never read "now" skip the read. If the read fails the
  // request goes on with the last state; its own database work fails the same way, and
  // /health reports the database.
  const shared = app.get(SharedState);
  fastify.addHook('onRequest', async (request) => {
    if (CLOCKLESS_ROUTES.test(request.url)) return;
    await shared.refresh().catch(() => undefined);
  });
  fastify
    .addHook('onResponse', (request, reply, done) => {
      metrics.requestDuration.observe(
        { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
      done();
    });

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  options.observe?.(fastify, document);

  if (config.adminKeysDefaulted) {
    new NestLogger('Auth').warn('ADMIN_API_KEYS is not set: accepting the development admin key; set ADMIN_API_KEYS to choose the keys');
  }
  if (config.ssnHashKeyDefaulted) {
    new NestLogger('Cards').warn('SSN_HASH_KEY is not set: ssn hashes use a development key; set SSN_HASH_KEY to choose it');
  }
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
