import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { ErrorCode } from './errors';

export class ErrorDetailView {
  @ApiProperty({ example: 'ssn', description: 'the field (a dotted path for nested fields)' }) field: string;
  @ApiProperty({ example: 'ssn must be 18 characters' }) message: string;
  @ApiPropertyOptional({ example: 'length', description: 'stable code of the rule broken: required, type, length, pattern, enum, range, ssnCheckCharacter, date, unknownField, …' })
  constraint?: string;
  @ApiPropertyOptional({ example: 3, description: 'imports: the row (1 = first data row, 0 = the header or the whole body)' })
  row?: number;
}

/** Every error the API answers (SPEC §1); an error never quotes a submitted value. */
export class ErrorView {
  @ApiProperty({ example: 400, description: 'the HTTP status, again' }) statusCode: number;
  @ApiProperty({ enum: ErrorCode, enumName: 'ErrorCode', example: ErrorCode.VALIDATION_FAILED }) code: ErrorCode;
  @ApiProperty({ example: 'Validation failed: ssn' }) message: string;
  @ApiPropertyOptional({ type: [ErrorDetailView], description: 'one entry per bad field' }) details?: ErrorDetailView[];
}

const MEANING: Record<number, string> = {
  400: 'VALIDATION_FAILED: malformed input, one `details` entry per bad field; nothing written',
  401: 'UNAUTHENTICATED: missing or wrong key',
  403: 'FORBIDDEN: a key of the wrong kind or venue',
  404: 'NOT_FOUND',
  409: 'a state conflict (the code says which)',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'the request is well formed but breaks a limit (the code says which)',
  429: 'TOO_MANY_REQUESTS: over the rate limit, or a RATE_LIMITED fault injected by /sim/faults; wait the Retry-After seconds',
  503: 'INJECTED_FAULT (simulation) or SERVICE_UNAVAILABLE',
};

/**
 * The error answers of an operation, each with the one error schema. `conflicts` describes a
 * 409 or 422 in the operation's own words (`{409: 'DUPLICATE_CARD: …'}`).
 */
export function ApiErrors(statuses: number[], conflicts: Record<number, string> = {}) {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, type: ErrorView, description: conflicts[status] ?? MEANING[status] })),
  );
}
