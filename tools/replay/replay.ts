import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator } from '../../src/embed';
import { ServiceClient } from '../service-client';
import { renderReplayHtml } from './replay-html';

/** One line of `GET /taps/export`. */
export interface RecordedTap {
  tapId: string;
  cardNumber: string;
  venueCode: string;
  action: string;
  itemId?: string;
  occurredAt: string;
  decision: string;
  reason: string | null;
  fareFen: number;
}

export interface TapDifference {
  tapId: string;
  occurredAt: string;
  cardNumber: string;
  venueCode: string;
  action: string;
  before: { decision: string; reason: string | null; fareFen: number };
  after: { decision: string; reason: string | null; fareFen: number };
}

export interface SettlementLine {
  issuerRegion: string;
  acquirerRegion: string;
  count: number;
  amountFen: number;
}

export interface ReplayDay {
  date: string;
  taps: number;
  revenueBeforeFen: number;
  revenueAfterFen: number;
  settlementBefore: SettlementLine[];
  settlementAfter: SettlementLine[];
}

export interface ReplayReport {
  fareRules: string;
  taps: number;
  differences: TapDifference[];
  days: ReplayDay[];
}

export interface ReplayOptions {
  /** A snapshot file (`GET /sim/snapshots/{name}/file`): the state before the recorded taps. */
  snapshotFile: string;
  /** NDJSON from `GET /taps/export`. */
  tapsFile: string;
  /** Another directory of fare rule files; absent: the rules of this release. */
  fareRulesDir?: string;
  /** Where replay.json and replay.html go; absent: not written. */
  outDir?: string;
  /** Configuration of the private simulator (e.g. DATABASE_URL). */
  simulatorEnv?: Record<string, string>;
}

const SNAPSHOT = 'replay-base';
const dayOf = (occurredAt: string) => new Date(Date.parse(occurredAt) + 8 * 3_600_000).toISOString().slice(0, 10);

function readTaps(file: string): RecordedTap[] {
  const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim().length > 0);
  return lines.map((line, index) => {
    let tap: RecordedTap;
    try {
      tap = JSON.parse(line) as RecordedTap;
    } catch {
      throw new Error(`${file}: line ${index + 1} is not JSON`);
    }
    for (const field of ['tapId', 'cardNumber', 'venueCode', 'action', 'occurredAt', 'decision'] as const) {
      if (typeof tap[field] !== 'string') throw new Error(`${file}: line ${index + 1}: ${field} must be a string (a GET /taps/export line)`);
    }
    if (typeof tap.fareFen !== 'number') throw new Error(`${file}: line ${index + 1}: fareFen must be a number`);
    return tap;
  });
}

/** Clearing of charged taps: owed by the card's region to the venue's region, per day. */
function settle(taps: { cardNumber: string; venueCode: string; fareFen: number; decision: string }[], regionOf: (kind: 'card' | 'venue', key: string) => string): SettlementLine[] {
  const lines = new Map<string, SettlementLine>();
  for (const tap of taps) {
    if (tap.decision !== 'APPROVED' || tap.fareFen <= 0) continue;
    const issuerRegion = regionOf('card', tap.cardNumber);
    const acquirerRegion = regionOf('venue', tap.venueCode);
    const key = `${issuerRegion}>${acquirerRegion}`;
    const line = lines.get(key) ?? { issuerRegion, acquirerRegion, count: 0, amountFen: 0 };
    line.count += 1;
    line.amountFen += tap.fareFen;
    lines.set(key, line);
  }
  return [...lines.values()].sort((a, b) => a.issuerRegion.localeCompare(b.issuerRegion) || a.acquirerRegion.localeCompare(b.acquirerRegion));
}

/**
 * Re-drives recorded taps from a snapshot on a private simulator (optionally with other fare
 * rules), each at its own occurredAt on the simulated clock and in the recorded order, and
 * reports every tap whose decision, reason or fare differs, with revenue and clearing per day
 * before (as recorded) and after (as replayed).
 */
export async function replay(options: ReplayOptions): Promise<ReplayReport> {
  const recorded = readTaps(options.tapsFile);
  const snapshot = readFileSync(options.snapshotFile);
  const simulator = await startSimulator({ env: { ...(options.simulatorEnv ?? {}), ...(options.fareRulesDir ? { FARE_RULES_DIR: options.fareRulesDir } : {}) } });
  const client = new ServiceClient(simulator.url, simulator.adminKey, 1);
  try {
    await client.expect(200, 'PUT', `/sim/snapshots/${SNAPSHOT}/file`, snapshot);
    await client.expect(200, 'POST', `/sim/snapshots/${SNAPSHOT}/restore`);
    const replayed: RecordedTap[] = [];
    for (const tap of recorded) {
      await client.expect(200, 'PUT', '/sim/clock', { now: tap.occurredAt });
      const body = { tapId: tap.tapId, cardNumber: tap.cardNumber, venueCode: tap.venueCode, action: tap.action, occurredAt: tap.occurredAt, ...(tap.itemId ? { itemId: tap.itemId } : {}) };
      const answer = await client.expect<{ decision: string; reason: string | null; fareFen: number }>(200, 'POST', '/taps', body);
      replayed.push({ ...tap, decision: answer.decision, reason: answer.reason, fareFen: answer.fareFen });
    }

    const regions = new Map<string, string>();
    const regionOf = (kind: 'card' | 'venue', key: string) => regions.get(`${kind}:${key}`) ?? 'UNKNOWN';
    for (const tap of recorded) {
      for (const [kind, key, path] of [['card', tap.cardNumber, `/cards/${tap.cardNumber}`], ['venue', tap.venueCode, `/venues/${tap.venueCode}`]] as const) {
        if (regions.has(`${kind}:${key}`)) continue;
        const found = await client.request<{ region?: string }>('GET', path);
        regions.set(`${kind}:${key}`, found.status === 200 && found.body.region ? found.body.region : 'UNKNOWN');
      }
    }

    const differences: TapDifference[] = [];
    recorded.forEach((before, index) => {
      const after = replayed[index];
      if (before.decision === after.decision && before.reason === after.reason && before.fareFen === after.fareFen) return;
      differences.push({
        tapId: before.tapId, occurredAt: before.occurredAt, cardNumber: before.cardNumber, venueCode: before.venueCode, action: before.action,
        before: { decision: before.decision, reason: before.reason, fareFen: before.fareFen },
        after: { decision: after.decision, reason: after.reason, fareFen: after.fareFen },
      });
    });
    const dates = [...new Set(recorded.map((tap) => dayOf(tap.occurredAt)))].sort();
    const revenue = (taps: RecordedTap[]) => taps.reduce((sum, tap) => sum + (tap.decision === 'APPROVED' ? tap.fareFen : 0), 0);
    const days = dates.map((date) => {
      const before = recorded.filter((tap) => dayOf(tap.occurredAt) === date);
      const after = replayed.filter((tap) => dayOf(tap.occurredAt) === date);
      return {
        date,
        taps: before.length,
        revenueBeforeFen: revenue(before),
        revenueAfterFen: revenue(after),
        settlementBefore: settle(before, regionOf),
        settlementAfter: settle(after, regionOf),
      };
    });
    const report: ReplayReport = { fareRules: options.fareRulesDir ?? '(the rules of this release)', taps: recorded.length, differences, days };
    if (options.outDir) {
      mkdirSync(options.outDir, { recursive: true });
      writeFileSync(join(options.outDir, 'replay.json'), `${JSON.stringify(report, null, 2)}\n`);
      writeFileSync(join(options.outDir, 'replay.html'), renderReplayHtml(report));
    }
    return report;
  } finally {
    client.close();
    await simulator.close();
  }
}
