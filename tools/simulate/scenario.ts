import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isoWeekdayOf, isRealDate, startOfBusinessDay, toShanghaiIso } from '../../src/common/time';
import { DEV_ADMIN_KEY } from '../../src/config/app-config';
import { createHolidayCalendar } from '../../src/fares/holiday-calendar';
import holidays from '../../src/seed/holidays.json';
import { CatalogVenue, VenueCatalog } from './catalog';
import type { DayContext } from './day-plan';
import { ScenarioDriver } from './driver';
import { buildPopulation } from './population';
import { Random } from './prng';
import { buildReport, ScenarioReport, SettlementDay } from './report';
import { renderReportHtml } from './report-html';
import type { ReportLanguage } from './report-labels';
import { ServiceClient } from '../service-client';
import { InProcessService, startInProcessService } from './simulator-thread';
import { Tally } from './tally';

export interface ScenarioOptions {
  cards: number;
  days: number;
  seed: string;
  /** First simulated business day, YYYY-MM-DD. */
  start: string;
  /** A running service; without it the runner starts one in this process (embedding API). */
  url?: string;
  adminKey?: string;
  outDir: string;
  /** Requests in flight at most. */
  concurrency: number;
  /** The language of report.html (default en); report.json is the same in every language. */
  language?: ReportLanguage;
}

export type ScenarioEvent =
  | { phase: 'start'; url: string; inProcess: 'worker' | 'main' | null; offlineUpload: string }
  | { phase: 'issue'; done: number; total: number }
  | { phase: 'simulate'; simulatedMs: number; minutesDone: number; minutesTotal: number; taps: number }
  | { phase: 'settle' }
  | { phase: 'done' };

export interface ScenarioHooks {
  onEvent?(event: ScenarioEvent): void;
}

export interface ScenarioOutcome {
  report: ScenarioReport;
  jsonPath: string;
  htmlPath: string;
  taps: number;
  requests: number;
}

export const DEFAULT_START = '2025-03-07';
/** The service's default MAX_BALANCE_FEN; a service configured lower answers 422 and the runner copes. */
const ASSUMED_MAX_BALANCE_FEN = 100_000;
const DAY_MS = 86_400_000;

interface Whitelist {
  venues: (CatalogVenue & { status: string; delisted: boolean })[];
}

/**
 * Plays a scenario against the service and writes `report.json` and `report.html`. The service
 * is reset first (`POST /sim/reset`), so its state is the seed data plus this scenario.
 */
export async function runScenario(options: ScenarioOptions, hooks: ScenarioHooks = {}): Promise<ScenarioOutcome> {
  if (!isRealDate(options.start)) throw new Error(`start must be a date YYYY-MM-DD, got ${options.start}`);
  const emit = (event: ScenarioEvent) => hooks.onEvent?.(event);

  let simulator: InProcessService | null = null;
  if (!options.url) simulator = await startInProcessService();
  const url = options.url ?? simulator!.url;
  const client = new ServiceClient(url, simulator?.adminKey ?? options.adminKey ?? DEV_ADMIN_KEY, options.concurrency);
  try {
    const clockBefore = await client.request<{ frozen: boolean }>('GET', '/sim/clock');
    if (clockBefore.status === 404) throw new Error(`${url} has no simulation API (GET /sim/clock answered 404): start it without SIM_API=false`);
    if (clockBefore.status !== 200) throw new Error(`GET /sim/clock answered ${clockBefore.status}: is the admin key right?`);
    await client.expect(200, 'POST', '/sim/reset');

    const whitelist = await client.expect<Whitelist>(200, 'GET', '/whitelist');
    const catalog = new VenueCatalog(whitelist.venues.filter((v) => v.status === 'ACTIVE' && !v.delisted));
    const offlineUpload = 'POST /taps/batch';
    emit({ phase: 'start', url, inProcess: simulator?.thread ?? null, offlineUpload });

    const startMs = startOfBusinessDay(options.start);
    const dates = Array.from({ length: options.days }, (_, i) => toShanghaiIso(startMs + i * DAY_MS).slice(0, 10));
    const tally = new Tally(startMs);
    const driver = new ScenarioDriver(client, catalog, tally, {
      seed: options.seed,
      tag: `S${Random.tag(options.seed)}`,
      concurrency: options.concurrency,
      maxBalanceFen: ASSUMED_MAX_BALANCE_FEN,
    });

    const population = buildPopulation(options.cards, options.seed, options.start);
    // Cards are issued the evening before the first day.
    await client.expect(200, 'PUT', '/sim/clock', { now: toShanghaiIso(startMs - 4 * 3_600_000) });
    emit({ phase: 'issue', done: 0, total: population.length });
    await driver.issueCards(population, (done) => emit({ phase: 'issue', done, total: population.length }));

    const calendar = createHolidayCalendar(holidays);
    const minutesTotal = options.days * 1440;
    for (const [index, date] of dates.entries()) {
      const day: DayContext = { index, date, startMs: startOfBusinessDay(date), weekday: isoWeekdayOf(date), workingDay: calendar.isWorkingDay(date) };
      await driver.runDay(day, (tick) =>
        emit({ phase: 'simulate', simulatedMs: tick.simulatedMs, minutesDone: index * 1440 + tick.minutesDone, minutesTotal, taps: tally.taps }),
      );
    }

    emit({ phase: 'settle' });
    const settlement = await collectSettlement(client, dates);
    const report = buildReport({
      seed: options.seed,
      cards: options.cards,
      days: options.days,
      start: options.start,
      dates,
      population,
      tally,
      catalog,
      settlement,
      offlineUpload,
    });
    const outDir = resolve(options.outDir);
    await mkdir(outDir, { recursive: true });
    const jsonPath = join(outDir, 'report.json');
    const htmlPath = join(outDir, 'report.html');
    await writeFile(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(htmlPath, renderReportHtml(report, options.language ?? 'en'));
    if (options.url && !clockBefore.body.frozen) await client.expect(200, 'DELETE', '/sim/clock');
    emit({ phase: 'done' });
    return { report, jsonPath, htmlPath, taps: tally.taps, requests: client.requests };
  } finally {
    client.close();
    await simulator?.close();
  }
}

/** Each day's clearing, from `GET /settlements/{date}`. */
async function collectSettlement(client: ServiceClient, dates: string[]): Promise<{ source: string; days: SettlementDay[] }> {
  const days: SettlementDay[] = [];
  for (const date of dates) {
    const { lines, net, crossRegionTaps } = await client.expect<SettlementDay>(200, 'GET', `/settlements/${date}`);
    days.push({ date, lines, net, crossRegionTaps });
  }
  return { source: 'GET /settlements/{date}', days };
}
