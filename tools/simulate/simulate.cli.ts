import 'reflect-metadata';
import { SingleBar } from 'cli-progress';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { toShanghaiIso } from '../../src/common/time';
import { REPORT_LANGUAGES, ReportLanguage } from './report-labels';
import { DEFAULT_START, runScenario, ScenarioEvent, ScenarioOutcome } from './scenario';

const USAGE = `Usage: npm run simulate -- --cards N --days D --seed S [--start YYYY-MM-DD] [--url URL] [--admin-key KEY] [--out DIR] [--concurrency C]

  --cards N         card holders to simulate (default 1000)
  --days D          simulated days (default 1)
  --seed S          any text; the same seed gives the same report.json (default 1)
  --start DAY       first simulated business day (default ${DEFAULT_START})
  --url URL         drive a running service instead of starting one in this process;
                    it is reset first (POST /sim/reset)
  --admin-key KEY   admin key of that service (default: $ADMIN_API_KEY, else dev-admin-key)
  --out DIR         where report.json and report.html go (default ./reports/)
  --concurrency C   requests in flight at most (default 64)
  --lang en|zh      language of report.html: English or Chinese (default en);
                    report.json is the same in both`;

export interface SimulateArguments {
  cards: number;
  days: number;
  seed: string;
  start: string;
  url?: string;
  adminKey: string;
  outDir: string;
  concurrency: number;
  language: ReportLanguage;
}

function integer(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}, got ${value}`);
  return parsed;
}

export function parseSimulateArguments(argv: string[], env: Record<string, string | undefined> = process.env): SimulateArguments | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      cards: { type: 'string' },
      days: { type: 'string' },
      seed: { type: 'string' },
      start: { type: 'string' },
      url: { type: 'string' },
      'admin-key': { type: 'string' },
      out: { type: 'string' },
      concurrency: { type: 'string' },
      lang: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const language = values.lang ?? 'en';
  if (!(REPORT_LANGUAGES as readonly string[]).includes(language)) throw new Error(`--lang must be one of ${REPORT_LANGUAGES.join(', ')}, got ${language}`);
  return {
    cards: integer('cards', values.cards, 1000, 1, 1_000_000),
    days: integer('days', values.days, 1, 1, 31),
    seed: values.seed ?? '1',
    start: values.start ?? DEFAULT_START,
    url: values.url,
    adminKey: values['admin-key'] ?? env.ADMIN_API_KEY ?? 'dev-admin-key',
    outDir: values.out ?? './reports/',
    concurrency: integer('concurrency', values.concurrency, 64, 1, 256),
    language: language as ReportLanguage,
  };
}

const formatNumber = (n: number) => Math.round(n).toLocaleString('en-US');
const simulatedTime = (ms: number) => toShanghaiIso(ms).slice(0, 16).replace('T', ' ');

/**
 * Shows progress: a bar on a terminal, plain lines (every few seconds) otherwise. This is the
 * only place that reads the wall clock; the report never contains it.
 */
class Progress {
  private bar: SingleBar | null = null;
  private phase = '';
  private phaseStartedAt = 0;
  private lastLineAt = 0;
  simulateStartedAt = 0;
  simulateEndedAt = 0;
  tapsAtEnd = 0;

  constructor(private readonly out: NodeJS.WritableStream & { isTTY?: boolean }) {}

  private line(text: string): void {
    this.out.write(`${text}\n`);
  }

  onEvent(event: ScenarioEvent): void {
    const now = performance.now();
    if (event.phase !== this.phase) {
      this.bar?.stop();
      this.bar = null;
      this.phase = event.phase;
      this.phaseStartedAt = now;
      this.lastLineAt = 0;
      if (event.phase === 'simulate') this.simulateStartedAt = now;
    }
    switch (event.phase) {
      case 'start':
        const where = event.inProcess === 'worker' ? ' (in a worker thread of this process)' : event.inProcess === 'main' ? ' (in this thread)' : '';
        this.line(`service ${event.url}${where}; offline terminals upload by ${event.offlineUpload}`);
        break;
      case 'issue': {
        const seconds = (now - this.phaseStartedAt) / 1000;
        const rate = seconds > 0 ? `${formatNumber(event.done / seconds)} cards/s` : '';
        this.show(event.done, event.total, { what: 'issuing cards', detail: `${formatNumber(event.done)}/${formatNumber(event.total)} cards`, rate }, event.done === event.total);
        break;
      }
      case 'simulate': {
        const seconds = (now - this.phaseStartedAt) / 1000;
        const rate = seconds > 0 ? event.taps / seconds : 0;
        this.tapsAtEnd = event.taps;
        this.simulateEndedAt = now;
        this.show(
          event.minutesDone,
          event.minutesTotal,
          { what: 'simulating', detail: `${simulatedTime(event.simulatedMs)} | ${formatNumber(event.taps)} taps`, rate: `${formatNumber(rate)} taps/s` },
          event.minutesDone === event.minutesTotal,
        );
        break;
      }
      case 'settle':
        this.line('collecting settlement and writing the report');
        break;
      case 'done':
        break;
    }
  }

  private show(value: number, total: number, payload: { what: string; detail: string; rate: string }, final: boolean): void {
    if (this.out.isTTY) {
      if (!this.bar) {
        this.bar = new SingleBar(
          { format: '{what} |{bar}| {percentage}% | {detail} | {rate}', stream: this.out as NodeJS.WriteStream, hideCursor: true, fps: 8 },
        );
        this.bar.start(total, value, payload);
      }
      this.bar.update(value, payload);
      if (final) {
        this.bar.stop();
        this.bar = null;
      }
      return;
    }
    const now = performance.now();
    if (final || now - this.lastLineAt >= 2000) {
      this.lastLineAt = now;
      const percent = total > 0 ? Math.floor((value / total) * 100) : 100;
      this.line(`[${payload.what}] ${percent}% ${payload.detail}${payload.rate ? ` | ${payload.rate}` : ''}`);
    }
  }

  stop(): void {
    this.bar?.stop();
  }
}

/**
 * `npm run simulate -- …`: parses the arguments, runs the scenario with a progress display on
 * `out`, prints the summary with wall-clock figures. Returns the outcome (the e2e spec calls it
 * in-process); throws on bad arguments or a failed run.
 */
export async function main(argv: string[], out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout): Promise<ScenarioOutcome | null> {
  const args = parseSimulateArguments(argv);
  if (args === 'help') {
    out.write(`${USAGE}\n`);
    return null;
  }
  const progress = new Progress(out);
  const started = performance.now();
  let outcome: ScenarioOutcome;
  try {
    outcome = await runScenario(
      { cards: args.cards, days: args.days, seed: args.seed, start: args.start, url: args.url, adminKey: args.adminKey, outDir: args.outDir, concurrency: args.concurrency, language: args.language },
      { onEvent: (event) => progress.onEvent(event) },
    );
  } finally {
    progress.stop();
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const simulateSeconds = (progress.simulateEndedAt - progress.simulateStartedAt) / 1000;
  const { totals } = outcome.report;
  out.write(
    [
      `cards ${formatNumber(args.cards)}, days ${args.days}, seed ${args.seed}`,
      `taps ${formatNumber(totals.taps)}: ${formatNumber(totals.approved)} approved, ${formatNumber(totals.declined)} declined; ${formatNumber(totals.crossRegionTaps)} cross-region`,
      `wall time ${wallSeconds.toFixed(1)} s; simulation ${simulateSeconds.toFixed(1)} s at ${formatNumber(simulateSeconds > 0 ? totals.taps / simulateSeconds : 0)} taps/s; ${formatNumber(outcome.requests)} requests (${formatNumber(outcome.requests / wallSeconds)}/s overall)`,
      `report: ${outcome.jsonPath}`,
      `        ${outcome.htmlPath}`,
      '',
    ].join('\n'),
  );
  return outcome;
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    const badArguments = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') || message.startsWith('--');
    process.stderr.write(`${message}\n${badArguments ? `${USAGE}\n` : ''}`);
    process.exitCode = 1;
  });
}
