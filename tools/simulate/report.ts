import { DECLINE_REASONS } from '../../src/taps/tap-decision';
import type { VenueCatalog } from './catalog';
import { CITY_GROUPS, Group } from './geography';
import type { Person } from './population';
import type { Count, Tally } from './tally';

export interface SettlementLine {
  issuerRegion: string;
  acquirerRegion: string;
  count: number;
  amountFen: number;
}

export interface SettlementDay {
  date: string;
  lines: SettlementLine[];
  net: { from: string; to: string; amountFen: number }[];
  crossRegionTaps: number;
}

export interface ScenarioFacts {
  seed: string;
  cards: number;
  days: number;
  start: string;
  dates: string[];
  population: Person[];
  tally: Tally;
  catalog: VenueCatalog;
  settlement: { source: string; days: SettlementDay[] };
  offlineUpload: string;
}

const REGIONS = ['SICHUAN', 'CHONGQING'] as const;
const GROUPS: Group[] = [...CITY_GROUPS, 'OUTSIDE'];
const ACTIONS = ['ENTRY', 'EXIT', 'RIDE', 'BORROW', 'RETURN'];
const VENUE_TYPES = ['METRO_STATION', 'BUS_LINE', 'LIBRARY', 'MUSEUM', 'SCENIC_SPOT'];
const AGE_BANDS: [string, number, number][] = [
  ['0-17', 0, 17],
  ['18-34', 18, 34],
  ['35-59', 35, 59],
  ['60-69', 60, 69],
  ['70+', 70, 200],
];

/** Counts of `items` by `key`, in the order of `keys` (every key present, zero or not). */
function countBy<T>(items: readonly T[], keys: readonly string[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(keys.map((k) => [k, 0]));
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

const countOf = (map: Map<string, Count>, key: string): Count => {
  const found = map.get(key);
  return { taps: found?.taps ?? 0, approved: found?.approved ?? 0 };
};

/**
 * The scenario's report as plain data. Every figure comes from sums and from lists sorted on
 * explicit keys, and no wall-clock time or duration appears, so one seed gives one byte
 * sequence of `report.json`.
 */
export function buildReport(facts: ScenarioFacts) {
  const { tally, population, catalog } = facts;
  const hours = facts.days * 24;
  const hourLabels = Array.from({ length: hours }, (_, h) => {
    const day = facts.dates[Math.floor(h / 24)];
    return `${day}T${String(h % 24).padStart(2, '0')}:00+08:00`;
  });
  const perHour = (source: Map<string, number>, region: string) =>
    Array.from({ length: hours }, (_, h) => source.get(`${h}|${region}`) ?? 0);

  const byReason: Record<string, number> = {};
  for (const reason of DECLINE_REASONS) byReason[reason] = tally.reasons.get(reason) ?? 0;
  for (const [reason, n] of [...tally.reasons].sort(([a], [b]) => a.localeCompare(b))) {
    if (!(reason in byReason)) byReason[reason] = n;
  }

  const flows = (field: keyof Count) =>
    Object.fromEntries(GROUPS.map((from) => [from, Object.fromEntries(GROUPS.map((to) => [to, countOf(tally.flows, `${from}|${to}`)[field]]))]));

  const busiestVenues = [...tally.venues.entries()]
    .sort(([codeA, a], [codeB, b]) => b.taps - a.taps || b.approved - a.approved || codeA.localeCompare(codeB))
    .slice(0, 10)
    .map(([code, count], index) => {
      const venue = catalog.get(code);
      return {
        rank: index + 1,
        code,
        name: venue?.name ?? code,
        type: venue?.type ?? null,
        region: venue?.region ?? null,
        cityGroup: venue?.group ?? null,
        taps: count.taps,
        approved: count.approved,
        declined: count.taps - count.approved,
      };
    });

  const topUpKinds = ['opening', 'automatic', 'beforeTicket', 'afterDecline', 'afterOfflineDecline'];
  const topUps = Object.fromEntries(topUpKinds.map((kind) => [kind, tally.topUps.get(kind) ?? { count: 0, amountFen: 0 }]));
  const topUpTotal = Object.values(topUps).reduce((sum, t) => ({ count: sum.count + t.count, amountFen: sum.amountFen + t.amountFen }), { count: 0, amountFen: 0 });

  const chargedFen = facts.settlement.days.reduce((sum, day) => sum + day.lines.reduce((s, l) => s + l.amountFen, 0), 0);
  const chargeCount = facts.settlement.days.reduce((sum, day) => sum + day.lines.reduce((s, l) => s + l.count, 0), 0);
  const netTotals = new Map<string, number>();
  for (const day of facts.settlement.days) {
    for (const net of day.net) {
      const forward = `${net.from}>${net.to}`;
      const backward = `${net.to}>${net.from}`;
      netTotals.set(forward, (netTotals.get(forward) ?? 0) + net.amountFen);
      netTotals.set(backward, (netTotals.get(backward) ?? 0) - net.amountFen);
    }
  }
  const periodNet = [...netTotals.entries()]
    .filter(([, amount]) => amount > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, amountFen]) => {
      const [from, to] = key.split('>');
      return { from, to, amountFen };
    });

  return {
    title: 'OneCard Simulator scenario report',
    scenario: {
      seed: facts.seed,
      cards: facts.cards,
      days: facts.days,
      start: facts.start,
      dates: facts.dates,
      timeZone: 'Asia/Shanghai (+08:00)',
      offlineUpload: facts.offlineUpload,
    },
    population: {
      cards: population.length,
      byRegion: countBy(population, ['SICHUAN', 'CHONGQING', 'OTHER'], (p) => p.region),
      byCityGroup: countBy(population, GROUPS, (p) => p.group),
      byRole: countBy(population, ['CHILD', 'PUPIL', 'STUDENT', 'WORKER', 'HOMEMAKER', 'RETIREE', 'VISITOR'], (p) => p.role),
      byAgeBand: countBy(population, AGE_BANDS.map(([label]) => label), (p) => AGE_BANDS.find(([, lo, hi]) => p.age >= lo && p.age <= hi)![0]),
      byConcession: countBy(population, ['NONE', 'SENIOR', 'DISABLED', 'STUDENT'], (p) => p.concession),
      byCommuteMode: countBy(population, ['METRO', 'BUS', 'BUS_METRO', 'NONE'], (p) => p.commuteMode),
      transportDisabled: population.filter((p) => !p.transportEnabled).length,
      readers: population.filter((p) => p.reader).length,
      topUpHabit: countBy(population, ['AUTO', 'WHEN_DECLINED'], (p) => p.topUpHabit),
    },
    totals: {
      taps: tally.taps,
      approved: tally.approved,
      declined: tally.declined,
      approvalRate: tally.taps === 0 ? 0 : Math.round((tally.approved / tally.taps) * 10000) / 10000,
      crossRegionTaps: [...tally.days.values()].reduce((sum, d) => sum + d.crossRegionApproved, 0),
      onlineTaps: tally.counter('onlineTaps'),
      offlineTaps: tally.counter('offlineTaps'),
      batchUploads: tally.counter('batchUploads'),
      invalidTaps: tally.counter('invalidTaps'),
      tapsNotMade: tally.counter('tapsNotMade'),
      retriesAfterTopUp: tally.counter('retriesAfterTopUp'),
      clockMoves: tally.counter('clockMoves'),
      topUps: { ...topUpTotal, ...topUps, refused: tally.counter('topUpsRefused') },
      lostCards: {
        reported: tally.counter('cardsReportedLost'),
        found: tally.counter('cardsFound'),
        replaced: tally.counter('cardsReplaced'),
      },
      charges: { count: chargeCount, amountFen: chargedFen },
    },
    days: facts.dates.map((date) => {
      const day = tally.days.get(date) ?? { taps: 0, approved: 0, crossRegionApproved: 0 };
      return { date, taps: day.taps, approved: day.approved, declined: day.taps - day.approved, crossRegionTaps: day.crossRegionApproved };
    }),
    tapsPerHour: {
      hours: hourLabels,
      byVenueRegion: Object.fromEntries(REGIONS.map((r) => [r, perHour(tally.hourly, r)])),
      approvedByVenueRegion: Object.fromEntries(REGIONS.map((r) => [r, perHour(tally.hourlyApproved, r)])),
    },
    decisions: {
      APPROVED: tally.approved,
      DECLINED: tally.declined,
      byReason,
    },
    byAction: Object.fromEntries(ACTIONS.map((a) => [a, countOf(tally.byAction, a)])),
    byVenueType: Object.fromEntries(VENUE_TYPES.map((t) => [t, countOf(tally.byVenueType, t)])),
    crossRegionFlows: {
      description: "taps by the card's city group (issuer code) and the venue's city group (venue cityCode)",
      groups: GROUPS,
      approvedTaps: flows('approved'),
      allTaps: flows('taps'),
    },
    settlement: {
      source: facts.settlement.source,
      days: facts.settlement.days,
      periodNet,
    },
    revenueByNetwork: Object.fromEntries(
      [...tally.revenue.keys()].sort().map((network) => {
        const r = tally.revenue.get(network)!;
        const adjustments = Object.fromEntries([...r.adjustments.keys()].sort().map((kind) => [kind, r.adjustments.get(kind) as number]));
        return [network, { pricedTaps: r.pricedTaps, baseFen: r.baseFen, adjustments, chargedFen: r.chargedFen }];
      }),
    ),
    busiestVenues,
  };
}

export type ScenarioReport = ReturnType<typeof buildReport>;
