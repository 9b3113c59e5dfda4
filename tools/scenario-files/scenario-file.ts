/**
 * Scenario files (SPEC §6): declarative integration tests of tap flows, in JSON or YAML, that a
 * team writing terminal firmware in any language can run with `npm run scenario`. This module is
 * the format: its types and the check of a parsed file, whole, before anything runs. Pure.
 */

export interface GivenCard {
  /** The name steps use for the card: `${ref}` in any string is its generated card number. */
  ref: string;
  issuerCode: string;
  name?: string;
  birthDate?: string;
  balanceFen?: number;
  status?: string;
  transportEnabled?: boolean;
  validFrom?: string;
  validUntil?: string;
  concession?: string;
}

export interface GivenTerminal {
  ref: string;
  venueCode: string;
}

export interface Given {
  clock?: string;
  cards?: GivenCard[];
  venues?: Record<string, unknown>[];
  terminals?: GivenTerminal[];
}

export const STEP_KINDS = ['clock', 'advance', 'tap', 'batch', 'topUp', 'card', 'venue', 'expectCard', 'expectSettlement'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** One step: exactly one of the kinds, an optional `expect` (for the kinds that answer), an optional `name`. */
export type Step = { [K in StepKind]?: unknown } & { expect?: unknown; name?: string };

export interface Scenario {
  name: string;
  description?: string;
  given: Given;
  steps: Step[];
}

export interface ScenarioMistake {
  file: string;
  /** 1-based step number, or null for the file's header and `given`. */
  step: number | null;
  field: string;
  message: string;
}

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?([+-]\d{2}:\d{2}|Z)$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const REF = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
const REFERENCE_IN_TEXT = /\$\{([^}]*)\}/g;
const CARD_FIELDS = ['ref', 'issuerCode', 'name', 'birthDate', 'balanceFen', 'status', 'transportEnabled', 'validFrom', 'validUntil', 'concession'];
/** The kinds that answer something `expect` can match, and the form of their `expect`. */
const EXPECTS: Partial<Record<StepKind, 'object' | 'list'>> = { tap: 'object', batch: 'list', topUp: 'object', card: 'object', venue: 'object' };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isTimestamp = (value: unknown) => typeof value === 'string' && ISO_WITH_OFFSET.test(value) && !Number.isNaN(Date.parse(value));
const isDay = (value: unknown) => typeof value === 'string' && DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
const isWhole = (value: unknown, min: number) => typeof value === 'number' && Number.isSafeInteger(value) && value >= min;

/** Checks a parsed file whole; answers the scenario, or every mistake with its step and field. */
export function checkScenario(value: unknown, file: string): { ok: true; scenario: Scenario } | { ok: false; mistakes: ScenarioMistake[] } {
  const mistakes: ScenarioMistake[] = [];
  const fail = (step: number | null, field: string, message: string) => mistakes.push({ file, step, field, message });
  if (!isObject(value)) {
    fail(null, '(file)', 'must be an object {name, given?, steps}');
    return { ok: false, mistakes };
  }
  for (const key of Object.keys(value)) if (!['name', 'description', 'given', 'steps'].includes(key)) fail(null, key, 'is not a field of a scenario (name, description, given, steps)');
  if (typeof value.name !== 'string' || value.name.length === 0) fail(null, 'name', 'is required: a non-empty string');
  if (value.description !== undefined && typeof value.description !== 'string') fail(null, 'description', 'must be a string');
  const refs = checkGiven(value.given, fail);
  if (!Array.isArray(value.steps) || value.steps.length === 0) {
    fail(null, 'steps', 'is required: a non-empty list of steps');
  } else {
    value.steps.forEach((step, index) => checkStep(step, index + 1, refs, fail));
  }
  return mistakes.length > 0 ? { ok: false, mistakes } : { ok: true, scenario: { ...(value as unknown as Scenario), given: (value.given ?? {}) as Given } };
}

type Fail = (step: number | null, field: string, message: string) => void;

function checkGiven(given: unknown, fail: Fail): Set<string> {
  const refs = new Set<string>();
  if (given === undefined) return refs;
  if (!isObject(given)) {
    fail(null, 'given', 'must be an object {clock?, cards?, venues?, terminals?}');
    return refs;
  }
  for (const key of Object.keys(given)) if (!['clock', 'cards', 'venues', 'terminals'].includes(key)) fail(null, `given.${key}`, 'is not a field of given (clock, cards, venues, terminals)');
  if (given.clock !== undefined && !isTimestamp(given.clock)) fail(null, 'given.clock', 'must be an ISO 8601 timestamp with an offset');
  const addRef = (field: string, ref: unknown) => {
    if (typeof ref !== 'string' || !REF.test(ref)) return fail(null, field, 'is required: a name of letters, digits, _ and - starting with a letter');
    if (refs.has(ref)) return fail(null, field, 'names a card or terminal already named');
    refs.add(ref);
  };
  listOf(given.cards, 'given.cards', fail).forEach(([card, field]) => {
    for (const key of Object.keys(card)) if (!CARD_FIELDS.includes(key)) fail(null, `${field}.${key}`, `is not a field of a given card (${CARD_FIELDS.join(', ')})`);
    addRef(`${field}.ref`, card.ref);
    if (typeof card.issuerCode !== 'string' || !/^\d{6}$/.test(card.issuerCode)) fail(null, `${field}.issuerCode`, 'is required: 6 digits');
    if (card.birthDate !== undefined && !isDay(card.birthDate)) fail(null, `${field}.birthDate`, 'must be a date YYYY-MM-DD');
    if (card.balanceFen !== undefined && !isWhole(card.balanceFen, 0)) fail(null, `${field}.balanceFen`, 'must be a whole number of fen ≥ 0');
  });
  listOf(given.venues, 'given.venues', fail);
  listOf(given.terminals, 'given.terminals', fail).forEach(([terminal, field]) => {
    for (const key of Object.keys(terminal)) if (!['ref', 'venueCode'].includes(key)) fail(null, `${field}.${key}`, 'is not a field of a given terminal (ref, venueCode)');
    addRef(`${field}.ref`, terminal.ref);
    if (typeof terminal.venueCode !== 'string') fail(null, `${field}.venueCode`, 'is required: a venue code');
  });
  return refs;
}

function listOf(value: unknown, field: string, fail: Fail, step: number | null = null): [Record<string, unknown>, string][] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    fail(step, field, 'must be a list');
    return [];
  }
  const items: [Record<string, unknown>, string][] = [];
  value.forEach((item, index) => {
    if (isObject(item)) items.push([item, `${field}[${index}]`]);
    else fail(step, `${field}[${index}]`, 'must be an object');
  });
  return items;
}

function checkStep(step: unknown, number: number, refs: Set<string>, fail: Fail): void {
  const at = (field: string, message: string) => fail(number, field, message);
  if (!isObject(step)) return at('(step)', `must be an object with one of ${STEP_KINDS.join(', ')}`);
  const kinds = STEP_KINDS.filter((kind) => step[kind] !== undefined);
  for (const key of Object.keys(step)) {
    if (!(STEP_KINDS as readonly string[]).includes(key) && key !== 'expect' && key !== 'name') at(key, `is not a step field (one of ${STEP_KINDS.join(', ')}, expect, name)`);
  }
  if (kinds.length !== 1) return at('(step)', `must have exactly one of ${STEP_KINDS.join(', ')}`);
  const kind = kinds[0];
  const body = step[kind];
  if (step.name !== undefined && typeof step.name !== 'string') at('name', 'must be a string');
  const expectForm = EXPECTS[kind];
  if (step.expect !== undefined) {
    if (!expectForm) at('expect', `does not apply to a ${kind} step (its own fields are what it checks)`);
    else if (expectForm === 'object' && !isObject(step.expect)) at('expect', 'must be an object: the fields of the answer to match');
    else if (expectForm === 'list' && !(Array.isArray(step.expect) && step.expect.every(isObject))) at('expect', 'must be a list of objects, one per tap of the batch');
  }
  switch (kind) {
    case 'clock':
      if (!isTimestamp(body)) at('clock', 'must be an ISO 8601 timestamp with an offset');
      break;
    case 'advance':
      if (!isWhole(body, 1)) at('advance', 'must be a whole number of seconds ≥ 1');
      break;
    case 'tap':
      checkTap(body, 'tap', at);
      break;
    case 'batch':
      if (!Array.isArray(body) || body.length < 1 || body.length > 1000) at('batch', 'must be a list of 1 to 1000 taps');
      else body.forEach((tap, index) => checkTap(tap, `batch[${index}]`, at));
      break;
    case 'topUp':
      if (!isObject(body)) at('topUp', 'must be an object {cardNumber, amountFen, reference?}');
      else {
        requireString(body, 'cardNumber', 'topUp', at);
        if (!isWhole(body.amountFen, 1)) at('topUp.amountFen', 'is required: a whole number of fen ≥ 1');
      }
      break;
    case 'card':
    case 'expectCard':
      if (!isObject(body)) at(kind, 'must be an object with cardNumber');
      else requireString(body, 'cardNumber', kind, at);
      break;
    case 'venue':
      if (!isObject(body)) at('venue', 'must be an object with code');
      else requireString(body, 'code', 'venue', at);
      break;
    case 'expectSettlement':
      if (!isObject(body)) at('expectSettlement', 'must be an object {date, ...fields to match}');
      else if (!isDay(body.date)) at('expectSettlement.date', 'is required: a date YYYY-MM-DD');
      break;
  }
  for (const [field, name] of referencesIn(step)) if (!refs.has(name)) at(field, `refers to \${${name}}, which no given card or terminal is named`);
}

function checkTap(tap: unknown, field: string, at: (field: string, message: string) => void): void {
  if (!isObject(tap)) return at(field, 'must be an object {cardNumber, venueCode?, action, occurredAt?, itemId?, tapId?, terminal?}');
  // Unknown fields go to the service, which refuses them (a scenario may test exactly that).
  requireString(tap, 'cardNumber', field, at);
  requireString(tap, 'action', field, at);
  if (tap.venueCode === undefined && tap.terminal === undefined) at(`${field}.venueCode`, 'is required unless the tap names its terminal');
  if (tap.occurredAt !== undefined && typeof tap.occurredAt !== 'string') at(`${field}.occurredAt`, 'must be a timestamp (absent: the service clock now)');
  if (tap.terminal !== undefined && typeof tap.terminal !== 'string') at(`${field}.terminal`, 'must name a given terminal');
}

function requireString(body: Record<string, unknown>, key: string, parent: string, at: (field: string, message: string) => void): void {
  if (typeof body[key] !== 'string' || body[key] === '') at(`${parent}.${key}`, 'is required: a string');
}

/** Every `${name}` in the strings of a value (and `terminal: name`), with the field it is in. */
export function referencesIn(value: unknown, field = ''): [string, string][] {
  if (typeof value === 'string') return [...value.matchAll(REFERENCE_IN_TEXT)].map((match) => [field || '(value)', match[1]]);
  if (Array.isArray(value)) return value.flatMap((item, index) => referencesIn(item, `${field}[${index}]`));
  if (isObject(value)) {
    return Object.entries(value).flatMap(([key, item]): [string, string][] => {
      const path = field ? `${field}.${key}` : key;
      if (key === 'terminal' && typeof item === 'string') return [[path, item]];
      return referencesIn(item, path);
    });
  }
  return [];
}
