import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation } from '@nestjs/swagger';
import { Access, type AccessLevel } from '../auth/access.decorator';
import { ApiErrors } from '../common/error.views';

export interface EndpointOptions {
  /** Who may call it (default `admin`); the guard enforces the same level the document states. */
  access?: AccessLevel;
  description?: string;
}

/**
 * One operation of the API: its operationId (what a generated client names the method, unique),
 * its summary, who may call it, and the answers that follow from that: `security: []` for a
 * public route; the bearer scheme, 401 and (admin-only) 403 for the others.
 */
export function Endpoint(operationId: string, summary: string, options: EndpointOptions = {}) {
  const access = options.access ?? 'admin';
  const described = { operationId, summary, description: options.description };
  if (access === 'public') return applyDecorators(Access(access), ApiOperation({ ...described, security: [] }));
  return applyDecorators(Access(access), ApiOperation(described), ApiBearerAuth('bearer'), ApiErrors(access === 'admin' ? [401, 403] : [401]));
}
