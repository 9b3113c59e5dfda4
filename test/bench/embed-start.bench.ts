/**
 * Cold start of the embedding API to a healthy service: `node -r @swc-node/register
 * test/bench/embed-start.bench.ts [warm runs]`. Prints the time to load the code, the first
 * start to `GET /health` 200 (cold: nothing cached in this process), and further starts (warm).
 */
import { performance } from 'node:perf_hooks';

async function healthy(url: string): Promise<void> {
  const response = await fetch(`${url}/health`);
  if (response.status !== 200) throw new Error(`GET /health answered ${response.status}`);
}

async function main(): Promise<void> {
  const warmRuns = Number(process.argv[2] ?? 5);
  const loadStart = performance.now();
  const { startSimulator } = await import('../../src/embed');
  const loadMs = performance.now() - loadStart;

  const starts: number[] = [];
  let firstHealthyAt = 0;
  for (let run = 0; run <= warmRuns; run++) {
    const started = performance.now();
    const simulator = await startSimulator();
    await healthy(simulator.url);
    starts.push(performance.now() - started);
    if (run === 0) firstHealthyAt = performance.now();
    await simulator.close();
  }
  const [cold, ...warm] = starts;
  const sorted = [...warm].sort((a, b) => a - b);
  const median = sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)] : NaN;
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  console.log(`load src/embed:                     ${ms(loadMs)}`);
  console.log(`cold start to GET /health 200:      ${ms(cold)}`);
  console.log(`load + cold start:                  ${ms(loadMs + cold)}`);
  console.log(`process start to first healthy:     ${ms(firstHealthyAt)}  (node boot, TypeScript loader, load, start)`);
  if (warm.length > 0) console.log(`warm start (median of ${warm.length}):          ${ms(median)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
