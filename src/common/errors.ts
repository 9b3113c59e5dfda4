/** Every stable error code the API answers with. Clients and tests depend on these names. */
export enum ErrorCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  TOO_MANY_REQUESTS = 'TOO_MANY_REQUESTS',
  DUPLICATE_CARD = 'DUPLICATE_CARD',
  DUPLICATE_VENUE = 'DUPLICATE_VENUE',
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  CARD_NOT_ACTIVE = 'CARD_NOT_ACTIVE',
  VENUE_DELISTED = 'VENUE_DELISTED',
  BALANCE_LIMIT = 'BALANCE_LIMIT',
  IDEMPOTENCY_CONFLICT = 'IDEMPOTENCY_CONFLICT',
  INJECTED_FAULT = 'INJECTED_FAULT',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL_ERROR = 'INTERNAL_ERROR',
}

export interface FieldError {
  field: string;
  message: string;
}

/** An error the API answers deliberately, with a stable code. */
export class DomainError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldError[],
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new DomainError(404, ErrorCode.NOT_FOUND, `${what} not found`);

export const validationFailed = (details: FieldError[]) =>
  new DomainError(
    400,
    ErrorCode.VALIDATION_FAILED,
    `Validation failed: ${details.map((d) => d.field).join(', ')}`,
    details,
  );
