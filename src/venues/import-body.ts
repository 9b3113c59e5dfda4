import type { FastifyInstance, RouteOptions } from 'fastify';

/** `POST /venues/import` takes up to 10,000 rows: more than the global 1 MiB body limit allows. */
export const IMPORT_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * Teaches Fastify a route's own body limit given with Nest's `@RouteConfig({ bodyLimit })`,
 * which Nest passes to Fastify only as route config. Call before Nest registers its routes.
 * Applies to whichever route declares one; only the import does. (CSV bodies: `CSV_BODY` in
 * src/common/body-parsing.ts.)
 */
export function registerImportBodyParsing(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const bodyLimit = (route.config as { bodyLimit?: unknown } | undefined)?.bodyLimit;
    if (typeof bodyLimit === 'number' && route.bodyLimit === undefined) route.bodyLimit = bodyLimit;
  });
}
