import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what its last full collection kept, in percent,
 * before it collects again. Left to itself V8 picks a factor from 1.1 to 4 (higher while it has no
 * measurements yet, and when collecting is slow against the rate of allocation): under the bench's
 * load the service's old generation grew from 40 MB live (what a forced collection kept) to
 * 190 MB, mostly garbage, before a full collection, for a peak RSS of about 300 MB. The flag
 * replaces V8's choice with a fixed 1 + percent / 100.
 *
 * At 50 % the bench measured a peak RSS of 160–205 MB against 255–320 MB, with 2,000 cards and
 * with a million, at taps/s and batch taps/s within the runs' spread (seven alternating runs of
 * each: 3,881 taps/s against 3,823 by default). It costs more full collections: a PostgreSQL batch
 * case (statements of 1,000 rows) ran 38 against 10, which V8 reported taking 5–8 % of the main
 * thread, though its taps/s did not move measurably. 25 % ran two million-card pairs 6 % and 9 %
 * slower; 100 % kept 185–230 MB and ran slower than either.
 */
export const HEAP_GROWING_PERCENT = 50;

/** The V8 flag that sets the old generation's growing factor, or null when node was started with one of its own (0 gives the choice back to V8). */
export function heapGrowthFlag(execArgv: readonly string[]): string | null {
  const given = execArgv.some((arg) => /^--heap[-_]growing[-_]percent(=|$)/.test(arg));
  return given ? null : `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

/**
 * Sets the old generation's growing factor for this process (the service as `npm start` runs it).
 * V8 reads it whenever it sets the next limit, after each full collection, so setting it at start,
 * before any load, takes effect (node starts V8 with flags left open to `setFlagsFromString`). A
 * flag V8 does not know is not an error (it prints one): a V8 that renamed this one would show
 * in the bench's peak RSS.
 */
export function setHeapGrowingFactor(): void {
  const flag = heapGrowthFlag(process.execArgv);
  if (flag) setFlagsFromString(flag);
}
