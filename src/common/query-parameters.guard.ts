import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { validationFailed } from './errors';
import { isNameableKey } from './input-safety';

/**
 * One rule for query parameters on every route: a route declares the ones it takes with a
 * `@Query()` DTO, whose whitelist rejects the others (the validation pipe); a route that declares
 * none takes none, and this guard rejects any it is sent (`GET /settlements/2025-03-01?unknown=1`).
 * Registered after authentication, so an unauthenticated caller still gets 401.
 */
@Injectable()
export class QueryParametersGuard implements CanActivate {
  private readonly takesQuery = new WeakMap<object, boolean>();

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const handler = context.getHandler();
    let takes = this.takesQuery.get(handler);
    if (takes === undefined) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {}) as Record<string, unknown>;
      takes = Object.keys(args).some((key) => key.startsWith(`${RouteParamtypes.QUERY}:`));
      this.takesQuery.set(handler, takes);
    }
    if (takes) return true;
    const query = context.switchToHttp().getRequest<{ query?: Record<string, unknown> }>().query ?? {};
    const keys = Object.keys(query);
    if (keys.length === 0) return true;
    const fields = [...new Set(keys.map((key) => (isNameableKey(key) ? key : 'query')))];
    throw validationFailed(
      fields.map((field) => ({ field, constraint: 'unknownField' as const, message: `${field} is not a query parameter of this endpoint, which takes none` })),
    );
  }
}
