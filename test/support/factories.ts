import type { Response } from 'supertest';
import { ADMIN, newSsn, TestApp } from './test-app';

/** `2025-03-04T10:00:00+08:00`: Beijing local time, as terminals send it. */
export const local = (day: string, time: string) => `${day}T${time.length === 5 ? `${time}:00` : time}+08:00`;

/** Days of the week used throughout the specs (2025-03-03 is a Monday, not a holiday). */
export const MONDAY = '2025-03-03';
export const TUESDAY = '2025-03-04';
export const WEDNESDAY = '2025-03-05';

let codeSequence = 0;
/** A venue code nobody else uses in this process. */
export function uniqueCode(prefix: string): string {
  codeSequence += 1;
  return `${prefix}-${process.pid % 10000}-${codeSequence}`;
}

export const MUSEUM_HOURS = [{ days: [2, 3, 4, 5, 6, 7], open: '09:00', close: '17:00' }];

/** A valid venue body of a type, ready to override; listed from 2025-01-01 in Chengdu. */
export function venueBody(type: 'MUSEUM' | 'LIBRARY' | 'SCENIC_SPOT' | 'BUS_LINE' | 'METRO_STATION', changes: Record<string, unknown> = {}) {
  const perType: Record<string, Record<string, unknown>> = {
    MUSEUM: { name: '测试博物馆', dailyCapacity: 1000, openingHours: MUSEUM_HOURS },
    LIBRARY: { name: '测试图书馆', borrowLimit: 8, openingHours: [{ days: [1, 2, 3, 4, 5, 6, 7], open: '09:00', close: '21:00' }] },
    SCENIC_SPOT: { name: '测试景区', dailyCapacity: 1000, entryFeeFen: 0 },
    BUS_LINE: { name: '测试公交线', fareFen: 200 },
    METRO_STATION: { name: '测试站', network: 'CHENGDU-METRO', line: '99', km: 1 },
  };
  return {
    code: uniqueCode(type.slice(0, 3)),
    type,
    region: 'SICHUAN',
    cityCode: '510100',
    listedFrom: '2025-01-01',
    ...perType[type],
    ...changes,
  };
}

/** Lists a venue through `POST /venues` and answers its view. */
export async function createVenue(t: TestApp, type: Parameters<typeof venueBody>[0], changes: Record<string, unknown> = {}) {
  const response = await t.http.post('/venues').set(ADMIN).send(venueBody(type, changes)).expect(201);
  return response.body as { code: string; [field: string]: unknown };
}

/** Issues a card through the API with a chosen body, answering the raw response. */
export function issueCard(t: TestApp, body: Record<string, unknown>) {
  return t.http.post('/cards').set(ADMIN).send(body);
}

/** A valid issue body for a new person of a region (`510104` Chengdu, `500103` Chongqing). */
export function cardBody(changes: Record<string, unknown> = {}, regionCode = '510104') {
  return { ssn: newSsn(regionCode), name: '张三', issuerCode: `${regionCode.slice(0, 4)}00`, validFrom: '2024-01-01', ...changes };
}

/** Every item of a list endpoint, walking the cursor. */
export async function listAll<T = Record<string, unknown>>(t: TestApp, path: string, headers: Record<string, string> = ADMIN): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (;;) {
    const separator = path.includes('?') ? '&' : '?';
    const url: string = `${path}${separator}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response: Response = await t.http.get(url).set(headers).expect(200);
    items.push(...(response.body.items as T[]));
    cursor = response.body.nextCursor as string | null;
    if (!cursor) return items;
  }
}

/** The journal rows of a query, e.g. `{cardNumber, reason}`. */
export async function journal(t: TestApp, query: Record<string, string>) {
  return listAll<{ tapId: string; decision: string; reason: string | null; [field: string]: unknown }>(
    t,
    `/taps?${new URLSearchParams(query).toString()}`,
  );
}

/** Asserts a declined tap answered the reason and sits in the journal under it, exactly once. */
export async function expectDeclinedAndJournaled(t: TestApp, result: { tapId: string; cardNumber: string; decision: string; reason: string | null }, reason: string) {
  expect({ decision: result.decision, reason: result.reason }).toEqual({ decision: 'DECLINED', reason });
  const rows = await journal(t, { cardNumber: result.cardNumber, reason });
  expect(rows.filter((row) => row.tapId === result.tapId)).toEqual([result]);
}

/** Asserts an error body of SPEC §1, and optionally the fields its details name. */
export function expectError(response: Response, statusCode: number, code: string, fields?: string[]) {
  expect({ status: response.status, body: { statusCode: response.body.statusCode, code: response.body.code } }).toEqual({
    status: statusCode,
    body: { statusCode, code },
  });
  expect(typeof response.body.message).toBe('string');
  if (fields) {
    expect(response.body.details.map((d: { field: string }) => d.field)).toEqual(fields);
    for (const detail of response.body.details) expect(typeof detail.message).toBe('string');
  }
}

/** Counts of what a rejected request must not have changed. */
export async function snapshot(t: TestApp) {
  const [cards, taps, audit, venues, terminals] = await Promise.all([
    listAll(t, '/cards'),
    listAll(t, '/taps'),
    listAll(t, '/audit'),
    listAll(t, '/venues?status=ACTIVE'),
    listAll(t, '/terminals'),
  ]);
  return { cards: cards.length, taps: taps.length, audit: audit.length, venues: venues.length, terminals: terminals.length };
}

/** Issues a terminal for a venue: its id and key. */
export async function issueTerminal(t: TestApp, venueCode: string) {
  const response = await t.http.post('/terminals').set(ADMIN).send({ venueCode }).expect(201);
  return response.body as { terminalId: string; venueCode: string; apiKey: string };
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
