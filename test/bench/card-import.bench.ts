/**
 * Issuing a bureau's file of 10,000 cards through `POST /cards/import` (half with an opening
 * top-up), over HTTP on a fresh private simulator: `node -r @swc-node/register
 * test/bench/card-import.bench.ts [cards]`; with DATABASE_URL set, on PostgreSQL.
 */
import { performance } from 'node:perf_hooks';
import { makeSsn } from '../../src/cards/ssn';
import { startSimulator } from '../../src/embed';

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 10_000);
  const env: Record<string, string> = process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {};
  const simulator = await startSimulator({ env });
  try {
    const rows = Array.from({ length: count }, (_, i) => ({
      ssn: makeSsn(i % 2 === 0 ? '510104' : '500103', `${1950 + Math.floor(i / 1000)}-03-0${1 + (i % 9)}`, i % 1000),
      name: `持卡人${i}`,
      issuerCode: i % 2 === 0 ? '510100' : '500100',
      ...(i % 2 === 0 ? { topUpFen: 5000 } : {}),
    }));
    const body = JSON.stringify(rows);
    const post = async (query: string) => {
      const started = performance.now();
      const response = await fetch(`${simulator.url}/cards/import${query}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${simulator.adminKey}`, 'content-type': 'application/json' },
        body,
      });
      const answer = (await response.json()) as { cards?: unknown[] };
      return { status: response.status, ms: performance.now() - started, issued: answer.cards?.length ?? 0 };
    };
    const dry = await post('?dryRun=true');
    const real = await post('');
    if (real.status !== 201 || real.issued !== count) throw new Error(`import answered ${real.status} with ${real.issued} cards`);
    const database = env.DATABASE_URL ? 'PostgreSQL' : 'SQLite';
    console.log(`${database}: ${count} cards, body ${(body.length / 1024 / 1024).toFixed(1)} MiB`);
    console.log(`  dry run ${dry.ms.toFixed(0)} ms`);
    console.log(`  import  ${real.ms.toFixed(0)} ms, ${Math.round(count / (real.ms / 1000))} cards/s`);
  } finally {
    await simulator.close();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
