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
  SNAPSHOT_EXISTS = 'SNAPSHOT_EXISTS',
  SNAPSHOT_OUTDATED = 'SNAPSHOT_OUTDATED',
  HEADERS_TOO_LARGE = 'HEADERS_TOO_LARGE',
  REQUEST_TIMEOUT = 'REQUEST_TIMEOUT',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL_ERROR = 'INTERNAL_ERROR',
}

/**
 * The stable code of the rule a bad field broke, in every `details` entry (SPEC §1), so that a
 * client can translate it. The admin console translates each one; add a code only for a rule
 * that needs its own words.
 */
export const CONSTRAINTS = [
  /** absent, and the field is required (for a venue: required for its type) */
  'required',
  /** the wrong JSON type: a string where a number belongs, an object where a string does, null */
  'type',
  /** a string's length or an array's number of items is out of bounds */
  'length',
  /** a string does not have the documented form (characters allowed, digits, HH:MM) */
  'pattern',
  /** not one of the listed values */
  'enum',
  /** a number out of its bounds, or not a whole number where one is required */
  'range',
  /** not a real date or timestamp in the documented form */
  'date',
  /** a value that could not be read: a malformed body, cursor, CSV row or request */
  'format',
  /** the last character of an ssn is not its ISO 7064 MOD 11-2 check character */
  'ssnCheckCharacter',
  /** a field (body key, query parameter, CSV column) the endpoint does not take */
  'unknownField',
  /** a key given twice in one JSON object, or a CSV column given twice */
  'duplicateField',
  /** the same value twice where it must be unique (a venue code twice in one import, a repeated weekday) */
  'duplicateValue',
  /** a control character (U+0000–U+001F, U+007F–U+009F) in a string */
  'controlCharacter',
  /** JSON nested deeper than the service reads */
  'nesting',
  /** bytes that are not UTF-8, or a lone surrogate escape in a JSON string */
  'encoding',
  /** an end before its start: validUntil before validFrom, listedUntil before listedFrom */
  'dateOrder',
  /** opening hours whose close equals their open */
  'emptyPeriod',
  /** a cityCode whose prefix does not match the region (51 SICHUAN, 50 CHONGQING) */
  'regionPrefix',
  /** a field that does not apply to the venue's type (fareFen on a MUSEUM) */
  'notApplicable',
  /** a field that may not change: a venue's type */
  'immutable',
] as const;
export type Constraint = (typeof CONSTRAINTS)[number];

export interface FieldError {
  field: string;
  message: string;
  constraint: Constraint;
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
