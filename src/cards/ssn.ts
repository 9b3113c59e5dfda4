import { createHmac } from 'node:crypto';
import { isRealDate } from '../common/time';

/**
 * The 18-character resident ID number (社会保障号码): 6-digit region, 8-digit birth date,
 * 3-digit sequence, and an ISO 7064 MOD 11-2 check character.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';
const SHAPE = /^\d{17}[\dX]$/;

/** The check character for the first 17 digits. */
export function ssnCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARACTERS[sum % 11];
}

export type SsnCheck =
  | { valid: true; ssn: string; birthDate: string }
  | { valid: false; message: string; constraint: 'pattern' | 'date' | 'ssnCheckCharacter' };

/** Checks shape, date of birth and check character; accepts a lower-case x. */
export function checkSsn(input: string): SsnCheck {
  const ssn = input.toUpperCase();
  if (!SHAPE.test(ssn)) return { valid: false, constraint: 'pattern', message: 'ssn must be 17 digits followed by a digit or X' };
  const birthDate = `${ssn.slice(6, 10)}-${ssn.slice(10, 12)}-${ssn.slice(12, 14)}`;
  if (!isRealDate(birthDate)) return { valid: false, constraint: 'date', message: 'ssn characters 7-14 must be a real date of birth' };
  if (ssnCheckCharacter(ssn) !== ssn[17]) return { valid: false, constraint: 'ssnCheckCharacter', message: 'ssn check character is wrong' };
  return { valid: true, ssn, birthDate };
}

/** `510104********1234`: the only form of the number a response or a log line may carry. */
export function maskSsn(ssn: string): string {
  return `${ssn.slice(0, 6)}********${ssn.slice(14)}`;
}

/** Keyed hash for look-ups: without the key, the hash can't be reversed by enumerating numbers. */
export function hashSsn(ssn: string, key: string): string {
  return createHmac('sha256', key).update(ssn.toUpperCase()).digest('hex');
}

/** Builds a valid number from a region code, a birth date and a sequence (seed data, tests). */
export function makeSsn(regionCode: string, birthDate: string, sequence: number): string {
  const first17 = `${regionCode}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return first17 + ssnCheckCharacter(first17);
}
