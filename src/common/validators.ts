import { registerDecorator, ValidationOptions } from 'class-validator';
import { ISO_WITH_OFFSET, isRealDate } from './time';

/** A real calendar date written 'YYYY-MM-DD'. */
export function IsRealDate(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isRealDate',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be a real date written YYYY-MM-DD`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && isRealDate(value) },
    });
}

/** An ISO 8601 timestamp with an explicit offset that names a real instant. */
export function IsTimestampWithOffset(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isTimestampWithOffset',
      target: object.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be an ISO 8601 timestamp with an offset, e.g. 2025-03-01T08:15:00+08:00`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          ISO_WITH_OFFSET.test(value) &&
          isRealDate(value.slice(0, 10)) &&
          !Number.isNaN(Date.parse(value)),
      },
    });
}
