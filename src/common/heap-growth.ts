import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what its last full collection kept, in percent,
 * before it collects again. Left to itself V8 picks up to 4× when collections look cheap: under
 * the bench's load the service's old generation grew from 40 MB live (what a forced collection
 * kept) to 190 MB, mostly garbage, before a full collection: a peak RSS of about 300 MB.
 *
 * At 50 % the bench measured a peak RSS of 160–205 MB against 255–320 MB, with 2,000 cards and
 * with a million, at taps/s and batch taps/s within the runs' spread (seven alternating runs of
 * each: 3,881 taps/s against 3,823 by default). It costs more full collections: a PostgreSQL
 * batch case (statements of 1,000 rows, each a JSON value of up to a megabyte) ran 38 against 10,
 * and V8 reported them taking 5–8 % of its main thread, though its taps/s did not move measurably. 25 % ran two
 * million-card pairs 6 % and 9 % slower; 100 % kept 185–230 MB and ran slower than either.
 */
export const HEAP_GROWING_PERCENT = 50;

/** The V8 flag that bounds the old generation's growth, or null when node was started with one of its own. */
export function heapGrowthFlag(execArgv: readonly string[]): string | null {
  const given = execArgv.some((arg) => /^--heap[-_]growing[-_]percent(=|$)/.test(arg));
  return given ? null : `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

/**
 * Bounds the old generation's growth for this process (the service as `npm start` runs it). A GC
 * heuristic read at each collection, so setting it at start, before any load, takes effect.
 */
export function limitHeapGrowth(): void {
  const flag = heapGrowthFlag(process.execArgv);
  if (flag) setFlagsFromString(flag);
}
