import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { Constraint, FieldError, validationFailed } from './errors';
import { childPath, isNameableKey, unsafeInputErrors } from './input-safety';
import { validInstance } from './valid-instance';

/**
 * The code of each class-validator constraint (by its name, as in `ValidationError.constraints`),
 * the one table of them. A validator missing here is reported as `format`; add it when adding one.
 */
export const CONSTRAINT_OF_VALIDATOR: Record<string, Constraint> = {
  whitelistValidation: 'unknownField',
  isDefined: 'required',
  isNotEmpty: 'required',
  isString: 'type',
  isInt: 'type',
  isNumber: 'type',
  isBoolean: 'type',
  isArray: 'type',
  isObject: 'type',
  nestedValidation: 'type',
  isLength: 'length',
  length: 'length',
  minLength: 'length',
  maxLength: 'length',
  arrayMinSize: 'length',
  arrayMaxSize: 'length',
  min: 'range',
  max: 'range',
  matches: 'pattern',
  isIn: 'enum',
  isEnum: 'enum',
  isDateString: 'date',
  isRealDate: 'date',
  isTimestampWithOffset: 'date',
  isSsnShape: 'pattern',
  isSsnBirthDate: 'date',
  isSsnCheckCharacter: 'ssnCheckCharacter',
  isNotBefore: 'dateOrder',
};

const constraintOf = (validator: string): Constraint => CONSTRAINT_OF_VALIDATOR[validator] ?? 'format';

/**
 * Flattens class-validator's tree into one entry per bad field, named by its path
 * (`openingHours[0].open`), with the code of the rule broken. A field that is absent is
 * `required`; a value of the wrong type is `type` whatever else it breaks. An unknown key is
 * named only when it reads as a field name ({@link isNameableKey}), and never quoted in a message.
 */
export function flattenValidationErrors(errors: ValidationError[], parent = '', root = 'body'): FieldError[] {
  const byField = new Map<string, { messages: string[]; validators: string[]; missing: boolean }>();
  const add = (field: string, validators: string[], messages: string[], missing: boolean) => {
    const entry = byField.get(field) ?? { messages: [], validators: [], missing };
    entry.messages.push(...messages);
    entry.validators.push(...validators);
    byField.set(field, entry);
  };
  const walk = (list: ValidationError[], prefix: string) => {
    for (const error of list) {
      const index = /^\d+$/.test(error.property) ? Number(error.property) : null;
      if (error.constraints && 'whitelistValidation' in error.constraints) {
        const field = isNameableKey(error.property) ? childPath(prefix, error.property) : prefix || root;
        const unknownMessage = isNameableKey(error.property)
          ? `${field} is not a field of this endpoint`
          : `${field} has a field this endpoint does not take (its name is not shown: it does not read as a field name)`;
        add(field, ['whitelistValidation'], [unknownMessage], false);
        continue;
      }
      const field = index !== null ? childPath(prefix, index) : childPath(prefix, error.property);
      if (error.constraints) {
        add(field, Object.keys(error.constraints), Object.values(error.constraints), error.value === undefined);
      }
      if (error.children?.length) walk(error.children, field);
    }
  };
  walk(errors, parent);
  return [...byField].map(([field, { messages, validators, missing }]) => {
    // class-validator lists the most specific constraint last; the first message reads best alone.
    const codes = validators.map(constraintOf).reverse();
    const constraint: Constraint = missing ? 'required' : codes.includes('type') ? 'type' : codes[0];
    const message = missing ? `${field} is required` : [...new Set(messages)].reverse().join('; ');
    return { field, message, constraint };
  });
}

/**
 * Every problem of an input at once, one entry per field: the input-wide ones (control
 * characters, encoding, prototype keys) win over the DTO's for the same field.
 */
export function mergeFieldErrors(first: FieldError[], second: FieldError[]): FieldError[] {
  const fields = new Set(first.map((e) => e.field));
  return [...first, ...second.filter((e) => !fields.has(e.field))];
}

/**
 * A plain value (an import row, a batch item) as an instance of `type`, with every field error
 * class-validator finds in it, flattened; validated as the pipe validates a body (unknown fields
 * refused). A value that passes takes the quick path ({@link validInstance}).
 */
export function validatePlain<T extends object>(type: new () => T, plain: object): { instance: T; errors: FieldError[] } {
  const valid = validInstance(type, plain);
  if (valid) return { instance: valid, errors: [] };
  const instance = plainToInstance(type, plain);
  return { instance, errors: flattenValidationErrors(validateSync(instance, { whitelist: true, forbidNonWhitelisted: true })) };
}

/** Where the unsafe-input check names an input: `body`, `query`, or the path parameter itself. */
function rootOf(metadata: ArgumentMetadata): string | null {
  if (metadata.type === 'body') return 'body';
  if (metadata.type === 'query') return 'query';
  if (metadata.type === 'param') return metadata.data ?? 'path';
  return null;
}

/**
 * The one validation pipe: every string of body, query and path checked for control characters
 * and encoding, unknown fields rejected together with the fields that break a rule, values
 * transformed to their DTO types.
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const root = rootOf(metadata);
    // A string body is CSV (a JSON string is no body of ours) and an array body is a file of
    // rows (the imports): each row is checked with unsafeInputErrors by its import, under its row number.
    const checked = root !== null && !(metadata.type === 'body' && (typeof value === 'string' || Array.isArray(value)));
    const unsafe = checked ? unsafeInputErrors(value, root, metadata.type === 'param' ? root : '') : [];
    const expectsObject = metadata.type === 'body' && typeof metadata.metatype === 'function' && metadata.metatype !== Object;
    if (expectsObject && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw validationFailed(mergeFieldErrors(unsafe, [{ field: 'body', constraint: 'type', message: 'the body must be a JSON object' }]));
    }
    // A body, query or path that passes needs neither class-transformer's copy nor class-validator's error tree.
    if (unsafe.length === 0 && root !== null && typeof metadata.metatype === 'function') {
      const valid = validInstance(metadata.metatype as new () => object, value);
      if (valid) return valid;
    }
    let transformed: unknown;
    try {
      transformed = await super.transform(value, metadata);
    } catch (error) {
      if (!(error instanceof ClassValidatorErrors)) throw error;
      throw validationFailed(mergeFieldErrors(unsafe, flattenValidationErrors(error.errors, '', root ?? 'body')));
    }
    if (unsafe.length > 0) throw validationFailed(unsafe);
    return transformed;
  }
}

/** class-validator's tree, carried to the pipe's `transform`, which knows what it validated (body, query). */
class ClassValidatorErrors extends Error {
  constructor(readonly errors: ValidationError[]) {
    super('validation failed');
  }
}

export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // The value is kept only to tell an absent field (`required`) from a bad one; it is never answered.
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => new ClassValidatorErrors(errors),
  });
}
