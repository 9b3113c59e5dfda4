/**
 * The cost of reading a JSON body (src/common/json-body.ts: strict UTF-8, JSON.parse, the
 * nesting and duplicate-key scan) against JSON.parse alone, on a tap body and a 1,000-tap batch.
 * Run: node -r @swc-node/register test/bench/json-body.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { parseJsonBody } from '../../src/common/json-body';
import { unsafeInputErrors } from '../../src/common/input-safety';

const tap = (i: number) => ({
  tapId: `GATE7-${String(i).padStart(6, '0')}`,
  cardNumber: 'T00000001',
  action: 'ENTRY',
  occurredAt: '2025-03-01T08:15:00+08:00',
  venueCode: 'CD-M1-TFGC',
});
const bodies = {
  tap: Buffer.from(JSON.stringify(tap(1))),
  batch: Buffer.from(JSON.stringify({ taps: Array.from({ length: 1000 }, (_, i) => tap(i)) })),
};

function time(label: string, iterations: number, run: () => unknown): number {
  for (let i = 0; i < Math.min(iterations, 1000); i++) run();
  const start = performance.now();
  for (let i = 0; i < iterations; i++) run();
  const micros = ((performance.now() - start) * 1000) / iterations;
  console.log(`${label.padEnd(44)} ${micros.toFixed(2).padStart(9)} µs`);
  return micros;
}

for (const [name, bytes] of Object.entries(bodies)) {
  const iterations = name === 'tap' ? 200_000 : 500;
  console.log(`${name}: ${bytes.length} bytes`);
  const base = time('  JSON.parse(buffer.toString())', iterations, () => JSON.parse(bytes.toString('utf8')));
  const ours = time('  parseJsonBody (UTF-8, parse, scan)', iterations, () => parseJsonBody(bytes));
  const value = parseJsonBody(bytes);
  const walk = time('  unsafeInputErrors (the pipe\'s walk)', iterations, () => unsafeInputErrors(value, 'body'));
  console.log(`  extra over JSON.parse: ${(ours - base + walk).toFixed(2)} µs per body`);
}
