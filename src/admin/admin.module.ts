import fastifyStatic from '@fastify/static';
import { Controller, Get, Module, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { join } from 'node:path';
import { Access } from '../auth/access.decorator';

/**
 * The console's files: `src/admin/static` under ts-node and jest, `dist/src/admin/static` after
 * `npm run build` (which copies the non-TypeScript files of src into dist/src).
 */
export const ADMIN_STATIC_ROOT = join(__dirname, 'static');

/** `GET /admin` without the trailing slash; `/admin/` and the assets come from @fastify/static. */
@ApiExcludeController()
@Controller('admin')
export class AdminController {
  @Get()
  @Access('public')
  index(@Res() reply: FastifyReply) {
    return reply.type('text/html; charset=utf-8').sendFile('index.html', ADMIN_STATIC_ROOT);
  }
}

/**
 * The web console for editing the whitelist, served at GET /admin: static HTML, CSS and ES
 * modules that need no key to load; the page signs in with an admin key and calls the API.
 * `createApp` registers the static files under /admin/ (see `registerAdminConsole`).
 */
@Module({ controllers: [AdminController] })
export class AdminModule {}

/** Queued on the Fastify instance before Nest registers its routes and error handler. */
export function registerAdminConsole(fastify: FastifyInstance): void {
  void fastify.register(fastifyStatic, { root: ADMIN_STATIC_ROOT, prefix: '/admin/', index: ['index.html'] });
}
