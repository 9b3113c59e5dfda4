import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, validationFailed } from './errors';

/** Flattens class-validator's tree into one entry per bad field, named by its path (`openingHours[0].open`). */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const byField = new Map<string, string[]>();
  const walk = (list: ValidationError[], prefix: string) => {
    for (const error of list) {
      const key = /^\d+$/.test(error.property) ? `[${error.property}]` : error.property;
      const field = prefix ? (key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`) : key;
      if (error.constraints) {
        const messages = byField.get(field) ?? [];
        messages.push(...Object.values(error.constraints));
        byField.set(field, messages);
      }
      if (error.children?.length) walk(error.children, field);
    }
  };
  walk(errors, parent);
  // class-validator lists the most specific constraint last; the first message reads best alone.
  return [...byField].map(([field, messages]) => ({ field, message: [...new Set(messages)].reverse().join('; ') }));
}

/** The one validation pipe: unknown fields are rejected, values are transformed to their DTO types. */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const expectsObject = metadata.type === 'body' && typeof metadata.metatype === 'function' && metadata.metatype !== Object;
    if (expectsObject && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw validationFailed([{ field: 'body', message: 'the body must be a JSON object' }]);
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
  });
}
