import { Transform } from 'class-transformer';
import { registerDecorator, ValidateIf, ValidationArguments, ValidationOptions } from 'class-validator';
import { ssnCheckCharacter } from '../cards/ssn';
import { ISO_WITH_OFFSET, isRealDate } from './time';

/** A real calendar date written 'YYYY-MM-DD'. */
/**
 * A field that may be left out but, when given, must pass its rules: unlike `@IsOptional()`,
 * `null` is not "left out" (it would reach a NOT NULL column), so it fails the field's type rule.
 */
/**
 * A query parameter that holds a whole number, written in plain decimal digits: `12` becomes 12 (and `-1` -1, for the range rule to refuse);
 * anything else (`1e3`, `0x10`, ` 7`, an empty value) stays a string and fails `@IsInt()`, where
 * `Number()` would have read `1e3` as 1000 and an empty value as 0.
 */
export function QueryInteger(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?(0|[1-9][0-9]{0,15})$/.test(value) ? Number(value) : value));
}

export function OptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

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

const SSN_SHAPE = /^\d{17}[\dXx]$/;

/**
 * The resident ID number (社会保障号码) as three rules, so each failure has its own code:
 * the shape (`pattern`), the date of birth in characters 7–14 (`date`), the ISO 7064 MOD 11-2
 * check character (`ssnCheckCharacter`). Each later rule passes when an earlier one fails, so a
 * bad ssn is reported once, by its first broken rule. Messages never quote the number.
 */
export function IsSsn() {
  return (object: object, propertyName: string) => {
    const shaped = (value: unknown): value is string => typeof value === 'string' && SSN_SHAPE.test(value);
    const birthDateOf = (ssn: string) => `${ssn.slice(6, 10)}-${ssn.slice(10, 12)}-${ssn.slice(12, 14)}`;
    registerDecorator({
      name: 'isSsnCheckCharacter',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} check character is wrong (ISO 7064 MOD 11-2)` },
      validator: {
        validate: (value: unknown) =>
          !shaped(value) || !isRealDate(birthDateOf(value)) || ssnCheckCharacter(value.slice(0, 17)) === value[17].toUpperCase(),
      },
    });
    registerDecorator({
      name: 'isSsnBirthDate',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} characters 7-14 must be a real date of birth` },
      validator: { validate: (value: unknown) => !shaped(value) || isRealDate(birthDateOf(value)) },
    });
    registerDecorator({
      name: 'isSsnShape',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be 18 characters: 17 digits followed by a digit or X` },
      validator: { validate: (value: unknown) => shaped(value) },
    });
  };
}

/** A date field that must not be before another (both `YYYY-MM-DD`); passes while either is not a real date. */
export function IsNotBefore(otherProperty: string) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isNotBefore',
      target: object.constructor,
      propertyName,
      constraints: [otherProperty],
      options: { message: `${propertyName} must not be before ${otherProperty}` },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const other = (args.object as Record<string, unknown>)[otherProperty];
          if (typeof value !== 'string' || typeof other !== 'string' || !isRealDate(value) || !isRealDate(other)) return true;
          return value >= other;
        },
      },
    });
}
