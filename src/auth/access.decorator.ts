import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal } from './principal';

export type AccessLevel = 'public' | 'admin' | 'admin-or-terminal';
export const ACCESS_KEY = 'onecard:access';

/** Who may call a route; routes without it are admin-only. */
export const Access = (level: AccessLevel) => SetMetadata(ACCESS_KEY, level);

/** The authenticated caller of the request. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => context.switchToHttp().getRequest().principal,
);

/** The audit name of the caller (`admin:<fingerprint>`, `terminal:<id>`). */
export const Actor = createParamDecorator(
  (_: unknown, context: ExecutionContext): string => context.switchToHttp().getRequest().principal?.actor ?? 'system',
);
