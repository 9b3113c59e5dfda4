import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { TestApp } from './test-app';

/** The routes Nest mapped in a running app, from its module container: `METHOD /path`, sorted. */
export function routeTable(t: TestApp): string[] {
  const routes: string[] = [];
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as { prototype: Record<string, unknown> } | null;
      if (!controller) continue;
      const prefix = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name];
        if (typeof handler !== 'function' || name === 'constructor' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const path = [prefix, String(Reflect.getMetadata(PATH_METADATA, handler) ?? '')]
          .map((p) => p.replace(/^\/+|\/+$/g, ''))
          .filter(Boolean)
          .join('/');
        routes.push(`${RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number]} /${path}`);
      }
    }
  }
  return routes.sort();
}
