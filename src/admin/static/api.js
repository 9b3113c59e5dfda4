// The service's API as the console uses it: the admin key from this tab's sessionStorage as
// `Authorization: Bearer`, JSON in and out, errors as ApiError with the API's stable code and
// field details.

const KEY_STORAGE = 'onecard.adminKey';

export const session = {
  get key() {
    return sessionStorage.getItem(KEY_STORAGE);
  },
  save(key) {
    sessionStorage.setItem(KEY_STORAGE, key);
  },
  forget() {
    sessionStorage.removeItem(KEY_STORAGE);
  },
};

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code ?? null;
    this.details = Array.isArray(body?.details) ? body.details : [];
  }
}

let onUnauthenticated = () => {};
/** Called when the API stops accepting the saved key (it was rotated, or the service restarted with other keys). */
export function whenUnauthenticated(handler) {
  onUnauthenticated = handler;
}

/**
 * Calls the API. `query` values that are undefined, null or '' are left out. `body` is sent as
 * JSON unless it is a string with an explicit `contentType`. `raw` answers the Response itself.
 */
export async function api(method, path, { query, body, contentType, key = session.key, raw = false } = {}) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
  }
  const headers = { Accept: 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = contentType ?? 'application/json';
    payload = typeof body === 'string' && contentType ? body : JSON.stringify(body);
  }
  const response = await fetch(url, { method, headers, body: payload });
  if (!response.ok) {
    const errorBody = await response.json().catch(() => null);
    const error = new ApiError(response.status, errorBody);
    if (response.status === 401 && key === session.key) onUnauthenticated(error);
    throw error;
  }
  if (raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

/** Every item of a cursor-paged list. */
export async function allPages(path, query) {
  const items = [];
  let cursor;
  do {
    const page = await api('GET', path, { query: { ...query, limit: 500, cursor } });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}
