import type { FastifyInstance, RouteOptions } from 'fastify';

/** `POST /venues/import` takes up to 10,000 rows: more than the global 1 MiB body limit allows. */
export const IMPORT_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * Teaches Fastify what the import route needs, before Nest registers its routes: CSV bodies
 * (`text/csv`, read as a UTF-8 string, within the global limit unless the route raises it), and
 * a route's own body limit given with Nest's `@RouteConfig({ bodyLimit })`, which Nest passes to
 * Fastify only as route config. Applies to whichever route declares one; only the import does.
 */
export function registerImportBodyParsing(fastify: FastifyInstance): void {
  if (!fastify.hasContentTypeParser('text/csv')) {
    fastify.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  }
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const bodyLimit = (route.config as { bodyLimit?: unknown } | undefined)?.bodyLimit;
    if (typeof bodyLimit === 'number' && route.bodyLimit === undefined) route.bodyLimit = bodyLimit;
  });
}
