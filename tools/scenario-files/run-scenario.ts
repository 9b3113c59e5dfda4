import type { ServiceClient, ServiceResponse } from '../service-client';
import { mismatches } from './match';
import type { GivenCard, Scenario, Step, StepKind } from './scenario-file';
import { STEP_KINDS } from './scenario-file';

export interface StepResult {
  number: number;
  title: string;
  /** null when the step passed; else what went wrong: the expected and the actual. */
  failure: string | null;
}

export interface FileResult {
  file: string;
  name: string;
  steps: StepResult[];
}

/** Step 0 is `given`: a scenario whose fixture cannot be built runs no step. */
const GIVEN_STEP = 0;
const SSN_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const SSN_CHECK = '10X98765432';

/** A valid resident ID number (ISO 7064 MOD 11-2) for the n-th given card of a file. */
export function scenarioSsn(issuerCode: string, birthDate: string, n: number): string {
  const body = `${issuerCode}${birthDate.replace(/-/g, '')}${String(n % 1000).padStart(3, '0')}`;
  const sum = [...body].reduce((total, digit, i) => total + Number(digit) * SSN_WEIGHTS[i], 0);
  return `${body}${SSN_CHECK[sum % 11]}`;
}

const json = (value: unknown) => JSON.stringify(value);
const excerpt = (value: unknown) => {
  const text = json(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
};

/** `${ref}` in every string of a value → the card number or terminal id it names. */
function substitute(value: unknown, names: Map<string, string>): unknown {
  if (typeof value === 'string') return value.replace(/\$\{([^}]*)\}/g, (_, name: string) => names.get(name) ?? '');
  if (Array.isArray(value)) return value.map((item) => substitute(item, names));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, names)]));
  return value;
}

/**
 * Runs one checked scenario against the service behind `client` from a fresh state (reset, clock
 * released, then `given`), every step in order, and answers each step's result. A failing step
 * does not stop the ones after it.
 */
export async function runScenario(client: ServiceClient, scenario: Scenario, file: string): Promise<FileResult> {
  const result: FileResult = { file, name: scenario.name, steps: [] };
  const names = new Map<string, string>();
  const terminalKeys = new Map<string, string>();
  try {
    await buildGiven(client, scenario, names, terminalKeys);
  } catch (error) {
    result.steps.push({ number: GIVEN_STEP, title: 'given', failure: (error as Error).message });
    return result;
  }
  for (const [index, raw] of scenario.steps.entries()) {
    const step = substitute(raw, names) as Step;
    const kind = STEP_KINDS.find((k) => step[k] !== undefined) as StepKind;
    const title = step.name ?? titleOf(kind, step[kind]);
    let failure: string | null;
    try {
      failure = await runStep(client, kind, step, index + 1, terminalKeys);
    } catch (error) {
      failure = `could not run: ${(error as Error).message}`;
    }
    result.steps.push({ number: index + 1, title, failure });
  }
  return result;
}

async function buildGiven(client: ServiceClient, scenario: Scenario, names: Map<string, string>, terminalKeys: Map<string, string>): Promise<void> {
  const must = async (what: string, expected: number, method: string, path: string, body?: unknown) => {
    const response = await client.request<unknown>(method, path, body);
    if (response.status !== expected) throw new Error(`${what}: ${method} ${path} answered ${response.status}, expected ${expected}: ${excerpt(response.body)}`);
    return response.body as Record<string, unknown>;
  };
  await must('reset', 200, 'POST', '/sim/reset');
  await must('release the clock', 200, 'DELETE', '/sim/clock');
  const { given } = scenario;
  if (given.clock) await must('given.clock', 200, 'PUT', '/sim/clock', { now: given.clock });
  for (const [index, venue] of (given.venues ?? []).entries()) await must(`given.venues[${index}]`, 201, 'POST', '/venues', venue);
  for (const [index, card] of (given.cards ?? []).entries()) names.set(card.ref, await issue(must, card, index));
  for (const [index, terminal] of (given.terminals ?? []).entries()) {
    const answer = await must(`given.terminals[${index}]`, 201, 'POST', '/terminals', { venueCode: terminal.venueCode });
    names.set(terminal.ref, String(answer.terminalId));
    terminalKeys.set(String(answer.terminalId), String(answer.apiKey));
    terminalKeys.set(terminal.ref, String(answer.apiKey));
  }
}

type Must = (what: string, expected: number, method: string, path: string, body?: unknown) => Promise<Record<string, unknown>>;

/** Issues a given card (with a generated ssn), tops it up to its balance and moves it to its status. */
async function issue(must: Must, card: GivenCard, index: number): Promise<string> {
  const field = `given.cards[${index}]`;
  const { ref, balanceFen, status, birthDate, name, ...rest } = card;
  const issued = await must(field, 201, 'POST', '/cards', {
    ...rest,
    ssn: scenarioSsn(card.issuerCode, birthDate ?? '1990-01-01', index + 1),
    name: name ?? `场景${ref}`,
  });
  const cardNumber = String(issued.cardNumber);
  if (balanceFen) await must(`${field}.balanceFen`, 200, 'POST', `/cards/${cardNumber}/top-ups`, { amountFen: balanceFen, reference: `scenario-given-${ref}` });
  if (status && status !== 'ACTIVE') await must(`${field}.status`, 200, 'PATCH', `/cards/${cardNumber}`, { status });
  return cardNumber;
}

function titleOf(kind: StepKind, body: unknown): string {
  const b = (body ?? {}) as Record<string, unknown>;
  switch (kind) {
    case 'tap':
      return `tap ${b.cardNumber} ${b.action} at ${b.venueCode ?? `terminal ${b.terminal}`}`;
    case 'batch':
      return `batch of ${(body as unknown[]).length} taps`;
    case 'topUp':
      return `top up ${b.cardNumber} by ${b.amountFen} fen`;
    case 'card':
      return `change card ${b.cardNumber}`;
    case 'venue':
      return `change venue ${b.code}`;
    case 'expectCard':
      return `card ${b.cardNumber} is as expected`;
    case 'expectSettlement':
      return `settlement of ${b.date} is as expected`;
    case 'clock':
      return `clock at ${String(body)}`;
    case 'advance':
      return `advance the clock ${String(body)} s`;
  }
}

/** Runs a step; answers null when it passed, else the failure report. */
async function runStep(client: ServiceClient, kind: StepKind, step: Step, number: number, terminalKeys: Map<string, string>): Promise<string | null> {
  const body = step[kind] as Record<string, unknown>;
  switch (kind) {
    case 'clock':
      return judge(await client.request('PUT', '/sim/clock', { now: step.clock }), undefined);
    case 'advance':
      return judge(await client.request('POST', '/sim/clock/advance', { seconds: step.advance }), undefined);
    case 'tap': {
      const { terminal, ...tap } = body;
      const answer = await client.request('POST', '/taps', await tapBody(client, tap, `S${number}`), terminal === undefined ? undefined : terminalKeys.get(String(terminal)));
      return judge(answer, step.expect);
    }
    case 'batch': {
      const taps = await Promise.all((step.batch as Record<string, unknown>[]).map((tap, i) => tapBody(client, tap, `S${number}-${i + 1}`)));
      const answer = await client.request<{ results?: unknown }>('POST', '/taps/batch', { taps });
      return judge(answer.status === 200 ? { ...answer, body: answer.body.results } : answer, step.expect);
    }
    case 'topUp': {
      const { cardNumber, ...topUp } = body;
      return judge(await client.request('POST', `/cards/${String(cardNumber)}/top-ups`, { reference: `S${number}`, ...topUp }), step.expect);
    }
    case 'card': {
      const { cardNumber, ...change } = body;
      return judge(await client.request('PATCH', `/cards/${String(cardNumber)}`, change), step.expect);
    }
    case 'venue': {
      const { code, ...change } = body;
      return judge(await client.request('PATCH', `/venues/${String(code)}`, change), step.expect);
    }
    case 'expectCard': {
      const { cardNumber, ...expected } = body;
      return judge(await client.request('GET', `/cards/${String(cardNumber)}`), expected);
    }
    case 'expectSettlement': {
      const { date, ...expected } = body;
      return judge(await client.request('GET', `/settlements/${String(date)}`), expected);
    }
  }
}

/** A tap's body: the step's fields, a tapId unique in the file, and the service clock's now unless it gives occurredAt. */
async function tapBody(client: ServiceClient, tap: Record<string, unknown>, tapId: string): Promise<Record<string, unknown>> {
  if (tap.occurredAt !== undefined) return { tapId, ...tap };
  const clock = await client.request<{ now: string }>('GET', '/sim/clock');
  return { tapId, ...tap, occurredAt: clock.body.now };
}

/**
 * Compares an answer with an expectation: its HTTP status (`httpStatus`, default 200) and a
 * subset of its body.
 */
function judge(answer: ServiceResponse<unknown>, expect: unknown): string | null {
  const { httpStatus, ...fields } = (expect ?? {}) as Record<string, unknown>;
  const wanted = typeof httpStatus === 'number' ? httpStatus : 200;
  if (answer.status !== wanted) {
    return `expected HTTP ${wanted}, got ${answer.status}: ${excerpt(answer.body)}`;
  }
  const found = mismatches(fields, answer.body);
  if (found.length === 0) return null;
  const lines = found.map((m) => `${m.path}: expected ${excerpt(m.expected)}, got ${m.actual === undefined ? '(absent)' : excerpt(m.actual)}`);
  return [...lines, `the answer was ${excerpt(answer.body)}`].join('\n');
}
