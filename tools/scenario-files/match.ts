/**
 * Subset matching of an answer: every field the expectation names must be in the answer with an
 * equal value (objects recursively, lists item by item and of the same length); fields the
 * expectation leaves out are not looked at. Pure.
 */
export interface Mismatch {
  path: string;
  expected: unknown;
  actual: unknown;
}

export function mismatches(expected: unknown, actual: unknown, path = ''): Mismatch[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [{ path: path || '(answer)', expected, actual }];
    if (actual.length !== expected.length) return [{ path: `${path || '(answer)'}.length`, expected: expected.length, actual: actual.length }];
    return expected.flatMap((item, index) => mismatches(item, actual[index], `${path}[${index}]`));
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return [{ path: path || '(answer)', expected, actual }];
    return Object.entries(expected).flatMap(([key, value]) =>
      mismatches(value, (actual as Record<string, unknown>)[key], path ? `${path}.${key}` : key),
    );
  }
  return Object.is(expected, actual) ? [] : [{ path: path || '(answer)', expected, actual }];
}
