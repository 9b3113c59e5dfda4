/**
 * `npm run replay -- --snapshot FILE --taps FILE [--fare-rules DIR] [--out DIR]`: re-drives a
 * recorded day (NDJSON of GET /taps/export) from a snapshot file on a private simulator, under
 * other fare rules if given, and writes replay.json and replay.html (default ./reports/).
 */
import { parseArgs } from 'node:util';
import { replay } from './replay';

const USAGE = 'usage: npm run replay -- --snapshot FILE --taps FILE [--fare-rules DIR] [--out DIR]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { snapshot: { type: 'string' }, taps: { type: 'string' }, 'fare-rules': { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) return console.log(USAGE);
  if (!values.snapshot || !values.taps) throw new Error(`--snapshot and --taps are required\n${USAGE}`);
  const out = values.out ?? './reports/';
  const report = await replay({ snapshotFile: values.snapshot, tapsFile: values.taps, fareRulesDir: values['fare-rules'], outDir: out });
  console.log(`${report.taps} taps replayed, ${report.differences.length} differ`);
  for (const day of report.days) console.log(`${day.date}: revenue ${day.revenueBeforeFen} → ${day.revenueAfterFen} fen`);
  console.log(`wrote ${out}replay.json and replay.html`);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exitCode = 1;
});
