import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { CONSTRAINTS, ErrorCode } from './errors';

export class ErrorDetailView {
  @ApiProperty({ example: 'ssn', description: 'the field (a dotted path for nested fields)' }) field: string;
  @ApiProperty({ example: 'ssn must be 18 characters' }) message: string;
  @ApiPropertyOptional({ enum: CONSTRAINTS, example: 'length', description: 'stable code of the rule broken, for a client to translate' })
  constraint?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, example: 3, description: 'imports: the row (1 = first data row, 0 = the header or the whole body)' })
  row?: number;
}

/** Every error the API answers (SPEC §1); an error never quotes a submitted value. */
export class ErrorView {
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 400, description: 'the HTTP status, again' }) statusCode: number;
  @ApiProperty({ enum: ErrorCode, enumName: 'ErrorCode', example: ErrorCode.VALIDATION_FAILED }) code: ErrorCode;
  @ApiProperty({ example: 'Validation failed: ssn' }) message: string;
  @ApiPropertyOptional({ type: [ErrorDetailView], description: 'one entry per bad field' }) details?: ErrorDetailView[];
}

/** The header of an answer given again: a replayed tapId, a top-up reference already credited. */
export const IDEMPOTENT_REPLAYED = {
  description: 'present, and `true`, when this answers an idempotency key (tapId, top-up reference) seen before: nothing was written again',
  required: false,
  schema: { type: 'string', enum: ['true'] },
};

/** The error codes an operation answers with for a status, each with what it means there. */
export type ErrorMeanings = Partial<Record<ErrorCode, string>>;

/** What each status means when an operation does not say more. */
export const ERROR_MEANINGS: Record<number, ErrorMeanings> = {
  400: { [ErrorCode.VALIDATION_FAILED]: 'malformed input: one `details` entry per bad field; nothing written' },
  401: { [ErrorCode.UNAUTHENTICATED]: 'a missing or wrong key' },
  403: { [ErrorCode.FORBIDDEN]: 'a key of the wrong kind (a terminal key where an admin key is needed) or venue' },
  404: { [ErrorCode.NOT_FOUND]: 'no such resource' },
  413: { [ErrorCode.PAYLOAD_TOO_LARGE]: 'the body is over 1 MiB (16 MiB for an import)' },
  415: { [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: 'a body that is not application/json (or text/csv where the operation takes it)' },
  429: { [ErrorCode.TOO_MANY_REQUESTS]: 'over RATE_LIMIT_PER_MINUTE for this key; retry after Retry-After seconds' },
  431: { [ErrorCode.HEADERS_TOO_LARGE]: 'the request line and headers are too large' },
  503: { [ErrorCode.SERVICE_UNAVAILABLE]: 'the instance is shutting down; retry on another' },
};

/** The response of an error status: the one `ErrorView` body, its `code` narrowed to `meanings`. */
export function errorResponse(status: number, meanings: ErrorMeanings) {
  const codes = Object.keys(meanings);
  return {
    description: codes.map((code) => `${code}: ${meanings[code as ErrorCode]}`).join('; '),
    content: {
      'application/json': {
        schema: { allOf: [{ $ref: getSchemaPath(ErrorView) }, { type: 'object', properties: { code: { type: 'string', enum: codes } } }] },
        example: { statusCode: status, code: codes[0], message: meanings[codes[0] as ErrorCode] },
      },
    },
  };
}

/**
 * The error answers of an operation, each with the one error schema. A status alone takes its
 * usual code (`ERROR_MEANINGS`); `own` names the codes an operation answers in its own words
 * (`{409: {DUPLICATE_CARD: 'this person already holds a card'}}`). Statuses every operation can
 * answer (400, 429, 431, 503, and 413/415 with a body) are added by src/openapi/document-completion.ts.
 */
export function ApiErrors(statuses: number[], own: Record<number, ErrorMeanings> = {}) {
  const all = [...new Set([...statuses, ...Object.keys(own).map(Number)])];
  return applyDecorators(
    ApiExtraModels(ErrorView),
    ...all.map((status) => {
      const meanings = own[status] ?? ERROR_MEANINGS[status];
      if (!meanings) throw new Error(`ApiErrors: status ${status} needs its codes and meanings`);
      const { description, content } = errorResponse(status, meanings);
      return ApiResponse({ status, description, content });
    }),
  );
}
