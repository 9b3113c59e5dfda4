import { DomainError, ErrorCode, FieldError, validationFailed } from './errors';
import { childPath, reportablePath } from './input-safety';

/** Objects and arrays nest at most this deep; the deepest body of the API (a venue import) needs 4. */
export const MAX_JSON_DEPTH = 32;

/** Duplicate keys reported at most per body. */
const MAX_DUPLICATES = 100;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as UTF-8 text, or 400 `encoding`: invalid bytes, overlong forms, encoded surrogates, a cut sequence. */
export function decodeUtf8(bytes: Uint8Array, field = 'body'): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw validationFailed([{ field, constraint: 'encoding', message: `${field} is not valid UTF-8` }]);
  }
}

/**
 * Reads a JSON body: strict UTF-8, standard JSON, nesting bounded by {@link MAX_JSON_DEPTH}, and
 * no key twice in one object (JSON.parse would keep the last silently: `{"amountFen":1,"amountFen":2}`
 * would credit 2). An empty body is no body. Errors name the path, never a value.
 */
export function parseJsonBody(bytes: Uint8Array): unknown {
  const text = decodeUtf8(bytes);
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw validationFailed([{ field: 'body', constraint: 'format', message: 'the body is not valid JSON' }]);
  }
  const errors = structureErrors(text);
  if (errors.length > 0) throw validationFailed(errors);
  return value;
}

interface Frame {
  /** The keys seen so far in an object; null for an array. */
  keys: Set<string> | null;
  path: string;
  /** The key whose value comes next (objects), the index of the current item (arrays). */
  key: string;
  index: number;
}

const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const COMMA = 0x2c;
const COLON = 0x3a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * One linear pass over text that JSON.parse accepted: the nesting depth (stops at the first
 * container too deep) and keys repeated within one object. Strings are skipped with indexOf, so
 * the cost is one step per structural character plus a native search per string.
 */
export function structureErrors(text: string): FieldError[] {
  const errors: FieldError[] = [];
  const stack: Frame[] = [];
  let expectingKey = false;
  const valuePath = (): string => {
    const top = stack[stack.length - 1];
    if (!top) return '';
    return top.keys ? reportablePath(top.path, top.key, 'body') : childPath(top.path, top.index);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      const path = valuePath();
      if (stack.length >= MAX_JSON_DEPTH) {
        return [{ field: path || 'body', constraint: 'nesting', message: `JSON may nest objects and arrays at most ${MAX_JSON_DEPTH} deep` }];
      }
      stack.push({ keys: c === OPEN_OBJECT ? new Set() : null, path, key: '', index: 0 });
      expectingKey = c === OPEN_OBJECT;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.pop();
      expectingKey = false;
    } else if (c === COMMA) {
      const top = stack[stack.length - 1];
      if (top.keys) expectingKey = true;
      else top.index += 1;
    } else if (c === COLON) {
      expectingKey = false;
    } else if (c === QUOTE) {
      const end = closingQuote(text, i);
      if (expectingKey) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        const top = stack[stack.length - 1];
        const keys = top.keys as Set<string>;
        if (keys.has(key) && errors.length < MAX_DUPLICATES) {
          const field = reportablePath(top.path, key, 'body');
          errors.push({ field, constraint: 'duplicateField', message: `${field} is given twice; a key may appear once in an object` });
        }
        keys.add(key);
        top.key = key;
      }
      i = end;
    }
  }
  return errors;
}

/** The index of the quote closing the string that opens at `start` (the text is valid JSON). */
function closingQuote(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const end = text.indexOf('"', from);
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end;
    from = end + 1;
  }
}

export const unsupportedMediaType = (accepted: string) =>
  new DomainError(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, `This endpoint reads bodies as ${accepted} only`);
