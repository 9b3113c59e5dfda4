import type { FastifyInstance, FastifyRequest } from 'fastify';
import { decodeUtf8, parseJsonBody, unsupportedMediaType } from './json-body';

/**
 * Route config of an endpoint that also reads `text/csv` bodies, given with Nest's
 * `@RouteConfig({ ...CSV_BODY })`. Every other route answers a CSV body 415 like any other type.
 */
export const CSV_BODY = { acceptsCsv: true } as const;

/** Route config of an endpoint that reads an `application/gzip` file (a snapshot upload), as raw bytes. */
export const GZIP_BODY = { acceptsGzip: true } as const;

const routeFlag = (request: FastifyRequest, flag: 'acceptsCsv' | 'acceptsGzip') =>
  (request.routeOptions.config as unknown as Record<string, unknown> | undefined)?.[flag] === true;
const acceptsCsv = (request: FastifyRequest) => routeFlag(request, 'acceptsCsv');

/** A charset parameter other than UTF-8 is a body we would misread. */
function charsetIsUtf8(request: FastifyRequest): boolean {
  const match = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(request.headers['content-type'] ?? '');
  return !match || /^utf-?8$/i.test(match[1]);
}

/**
 * The only bodies the API reads (SPEC §1): `application/json`, and `text/csv` on the routes that
 * opt in with {@link CSV_BODY}. Fastify's plain-text parser is removed and Nest's JSON and form
 * parsers are never registered (`bodyParser: false`), so any other type is 415 before a handler
 * runs. Call before Nest registers its routes.
 */
export function registerBodyParsing(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    if (!charsetIsUtf8(request)) return done(unsupportedMediaType('application/json in UTF-8'), undefined);
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  fastify.addContentTypeParser('text/csv', { parseAs: 'buffer' }, (request, body, done) => {
    if (!acceptsCsv(request)) return done(unsupportedMediaType('application/json'), undefined);
    if (!charsetIsUtf8(request)) return done(unsupportedMediaType('application/json or text/csv in UTF-8'), undefined);
    try {
      done(null, decodeUtf8(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  fastify.addContentTypeParser('application/gzip', { parseAs: 'buffer' }, (request, body, done) => {
    if (!routeFlag(request, 'acceptsGzip')) return done(unsupportedMediaType('application/json'), undefined);
    done(null, body);
  });
}
