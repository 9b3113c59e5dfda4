import type { FieldError } from './errors';

/**
 * What every string input must be, whatever field it is in: no control characters, no lone
 * surrogates, and object keys that name a field rather than Object.prototype. These are checked
 * on the raw input (body, query, path) before any DTO sees it, so that nothing downstream
 * (class-transformer, the database driver, PostgreSQL's text type) has to cope with them.
 */

/** C0 controls, DEL and C1 controls. No field of the API takes a newline or a tab. */
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Keys that class-transformer and class-validator look up through the prototype chain (so
 * `{"constructor": 1}` passes their whitelist) or drop silently (`__proto__`). No DTO has them.
 */
const PROTOTYPE_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

export const isPrototypeKey = (key: string) => PROTOTYPE_KEYS.has(key);

/** With the `u` flag a surrogate pair is one astral character; only a lone half matches. */
const LONE_SURROGATE = /\p{Cs}/u;

const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MANY_DIGITS = /\d{5}/;

/**
 * Whether a key from the input may be named in an error. An unknown key is something the client
 * sent and may be a value pasted in the wrong place (an ssn, a form body read as one key), so it
 * is named only when it reads as a field name: a plain identifier of at most 64 characters with
 * no run of five digits. Anything else is reported under its parent's path (or `body`).
 */
export function isNameableKey(key: string): boolean {
  return PLAIN_IDENTIFIER.test(key) && !MANY_DIGITS.test(key);
}

/** `parent.key`, `parent[3]`; the top level has no prefix. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/** The path to report for a key of the input: itself when nameable, else where it sits. */
export function reportablePath(parent: string, key: string, root: string): string {
  return isNameableKey(key) ? childPath(parent, key) : parent || root;
}

/** At most this many problems are reported from one input; the first ones say enough. */
const MAX_REPORTED = 100;

/**
 * Every string, key and nesting problem of a parsed input (a JSON body, a query string's
 * values, a path parameter), one entry per field. `root` names the whole input (`body`).
 */
export function unsafeInputErrors(value: unknown, root: string, prefix = ''): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const report = (field: string, constraint: FieldError['constraint'], message: string) => {
    const key = `${field}\u0000${constraint}`;
    if (seen.has(key) || errors.length >= MAX_REPORTED) return;
    seen.add(key);
    errors.push({ field, message, constraint });
  };
  const walk = (node: unknown, path: string) => {
    if (errors.length >= MAX_REPORTED) return;
    if (typeof node === 'string') {
      const field = path || root;
      if (LONE_SURROGATE.test(node)) report(field, 'encoding', `${field} contains a lone surrogate (not a Unicode character)`);
      else if (CONTROL_CHARACTER.test(node)) report(field, 'controlCharacter', `${field} must not contain control characters`);
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, childPath(path, i)));
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const key of Object.keys(node)) {
      const field = reportablePath(path, key, root);
      if (LONE_SURROGATE.test(key)) report(field, 'encoding', `${field} has a key with a lone surrogate`);
      else if (isPrototypeKey(key)) report(childPath(path, key), 'unknownField', `${childPath(path, key)} is not a field of this endpoint`);
      else if (CONTROL_CHARACTER.test(key)) report(field, 'unknownField', `${field} has a key with control characters, which no field has`);
      // Below an unnameable key, problems are reported at the key's own reportable path.
      walk((node as Record<string, unknown>)[key], isNameableKey(key) ? childPath(path, key) : field);
    }
  };
  walk(value, prefix);
  return errors;
}
