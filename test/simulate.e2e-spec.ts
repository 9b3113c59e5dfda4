/**
 * The scenario runner, run in-process through its CLI entry (`main`): one seed gives one
 * report.json byte for byte — with the service started by the runner itself, and with a service
 * at `--url` — another seed another report, and the report's totals agree with what the
 * service recorded (`GET /taps`, `GET /settlements/{date}`).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { startSimulator, Simulator } from '../src/embed';
import type { ScenarioReport } from '../tools/simulate/report';
import { main } from '../tools/simulate/simulate.cli';

jest.setTimeout(240_000);

const SCENARIO = ['--cards', '2000', '--days', '2'];

describe('npm run simulate', () => {
  let sim: Simulator;
  let outRoot: string;
  const output: string[] = [];

  /** Runs the CLI's main function with its progress lines captured (not a terminal: plain lines). */
  async function simulate(args: string[]) {
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const outcome = await main(args, sink);
    if (!outcome) throw new Error('main printed the usage');
    return { ...outcome, bytes: readFileSync(outcome.jsonPath) };
  }

  async function api<T>(path: string): Promise<{ status: number; body: T }> {
    const response = await fetch(`${sim.url}${path}`, { headers: { authorization: `Bearer ${sim.adminKey}` } });
    return { status: response.status, body: (await response.json()) as T };
  }

  /** Every tap of the journal, counted by decision and by decline reason. */
  async function journalCounts() {
    const counts = { APPROVED: 0, DECLINED: 0, byReason: {} as Record<string, number> };
    let cursor: string | null = null;
    do {
      const page: { body: { items: { decision: 'APPROVED' | 'DECLINED'; reason: string | null }[]; nextCursor: string | null } } = await api(
        `/taps?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      for (const tap of page.body.items) {
        counts[tap.decision] += 1;
        if (tap.reason) counts.byReason[tap.reason] = (counts.byReason[tap.reason] ?? 0) + 1;
      }
      cursor = page.body.nextCursor;
    } while (cursor);
    return counts;
  }

  async function expectAgreesWithService(report: ScenarioReport) {
    const journal = await journalCounts();
    expect(journal.APPROVED).toBe(report.totals.approved);
    expect(journal.DECLINED).toBe(report.totals.declined);
    expect(journal.APPROVED + journal.DECLINED).toBe(report.totals.taps);
    const reported = Object.fromEntries(Object.entries(report.decisions.byReason).filter(([, n]) => n > 0));
    expect(journal.byReason).toEqual(reported);

    for (const [index, date] of report.scenario.dates.entries()) {
      const settlement = await api<{ date: string; lines: unknown[]; net: unknown[]; crossRegionTaps: number }>(`/settlements/${date}`);
      if (settlement.status === 404) continue; // not built yet: the report computed it from the journal
      expect(settlement.status).toBe(200);
      expect(report.settlement.source).toBe('GET /settlements/{date}');
      expect(report.settlement.days[index]).toEqual(settlement.body);
      expect(report.days[index].crossRegionTaps).toBe(settlement.body.crossRegionTaps);
    }
  }

  beforeAll(async () => {
    outRoot = mkdtempSync(join(tmpdir(), 'onecard-simulate-'));
    sim = await startSimulator({ env: process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {} });
  });
  afterAll(async () => {
    await sim?.close();
    rmSync(outRoot, { recursive: true, force: true });
  });

  let first: Awaited<ReturnType<typeof simulate>>;
  let second: Awaited<ReturnType<typeof simulate>>;

  it('writes the same report.json for the same seed, in-process and against a service at --url', async () => {
    // Side by side: the in-process run's service has a worker thread (a core) of its own.
    [first, second] = await Promise.all([
      simulate([...SCENARIO, '--seed', '42', '--out', join(outRoot, 'a')]),
      simulate([...SCENARIO, '--seed', '42', '--url', sim.url, '--admin-key', sim.adminKey, '--out', join(outRoot, 'b')]),
    ]);
    expect(second.report.totals.taps).toBeGreaterThan(2000);
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(output.join('')).toMatch(/\[simulating\] 100% 2025-03-09 00:00 \| [\d,]+ taps \| [\d,]+ taps\/s/);
  });

  it('reports what the service recorded: the journal by decision and reason, the settlement of each day', async () => {
    const report = second.report;
    expect(report.totals.approved + report.totals.declined).toBe(report.totals.taps);
    expect(report.totals.crossRegionTaps).toBeGreaterThan(0);
    expect(report.totals.topUps.count).toBeGreaterThan(0);
    await expectAgreesWithService(report);
    // Revenue per network: every fen of every charge, with the discounts and transfers that made it.
    const networks = Object.values(report.revenueByNetwork);
    expect(networks.reduce((sum, r) => sum + r.chargedFen, 0)).toBe(report.totals.charges.amountFen);
    for (const r of networks) expect(r.baseFen + Object.values(r.adjustments).reduce((sum, fen) => sum + fen, 0)).toBe(r.chargedFen);
    expect(Object.keys(report.revenueByNetwork)).toEqual(expect.arrayContaining(['CHENGDU-METRO', 'CHONGQING-RAIL', 'CHONGQING-BUS_LINE']));
    expect(report.revenueByNetwork['CHENGDU-METRO'].adjustments.MONTHLY_TIER).toBeLessThan(0);
    expect(report.revenueByNetwork['CHONGQING-BUS_LINE'].adjustments.TRANSFER).toBeLessThan(0);
  });

  it('writes a different report for another seed, and it too agrees with the service', async () => {
    const other = await simulate([...SCENARIO, '--seed', '43', '--url', sim.url, '--admin-key', sim.adminKey, '--out', join(outRoot, 'c')]);
    expect(other.bytes.equals(first.bytes)).toBe(false);
    expect(other.report.scenario.seed).toBe('43');
    await expectAgreesWithService(other.report);
  });
});
