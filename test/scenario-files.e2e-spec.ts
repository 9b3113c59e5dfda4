import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DECLINE_REASONS } from '../src/taps/tap-decision';
import { runScenarioFiles } from '../tools/scenario-files/run-files';

/** The scenario files of `scenarios/` run in the suite (SPEC §6), and the runner reports failures clearly. */
describe('scenario files', () => {
  const directory = mkdtempSync(join(tmpdir(), 'onecard-scenarios-'));
  const simulatorEnv: Record<string, string> = process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {};
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('ships one scenario per decline reason, and every scenario in scenarios/ passes', async () => {
    const files = readdirSync('scenarios');
    for (const reason of DECLINE_REASONS) {
      expect(files.some((file) => new RegExp(`^reason-\\d\\d-${reason.toLowerCase().replace(/_/g, '-')}\\.yaml$`).test(file))).toBe(true);
    }
    const lines: string[] = [];
    const junit = join(directory, 'scenarios.xml');
    const outcome = await runScenarioFiles({ paths: ['scenarios'], junit, simulatorEnv, print: (line) => lines.push(line) });
    expect({ exitCode: outcome.exitCode, failures: lines.filter((line) => line.startsWith('✗') || line.startsWith('    ')) }).toEqual({ exitCode: 0, failures: [] });
    expect(outcome.results.length).toBe(files.filter((file) => file.endsWith('.yaml')).length);
    const steps = outcome.results.reduce((sum, result) => sum + result.steps.length, 0);
    expect(readFileSync(junit, 'utf8')).toContain(`<testsuites name="scenarios" tests="${steps}" failures="0">`);
  });

  it('fails a wrong expectation with the step, the expected and the actual, in JUnit XML too, and exits 1', async () => {
    const file = join(directory, 'wrong.yaml');
    writeFileSync(
      file,
      [
        'name: a lost card let through (deliberately wrong)',
        'given: {clock: "2025-03-04T10:00:00+08:00"}',
        'steps:',
        '  - tap: {cardNumber: T00000001, venueCode: CD-MUS-SC, action: ENTRY}',
        '    expect: {decision: APPROVED}',
        '  - tap: {cardNumber: T00000003, venueCode: CD-MUS-SC, action: ENTRY}',
        '    expect: {decision: APPROVED, reason: null}',
      ].join('\n'),
    );
    const junit = join(directory, 'wrong.xml');
    const run = await promisify(execFile)('node', ['-r', '@swc-node/register', 'tools/scenario-files/scenario.cli.ts', file, '--junit', junit], {
      env: { ...process.env, ...simulatorEnv },
    }).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✗');
    expect(run.stdout).toContain('step 2 (tap T00000003 ENTRY at CD-MUS-SC):');
    expect(run.stdout).toContain('decision: expected "APPROVED", got "DECLINED"');
    expect(run.stdout).toContain('reason: expected null, got "CARD_LOST"');
    expect(run.stdout).toContain('1 scenario(s), 2 step(s), 1 failed');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('tests="2" failures="1"');
    expect(xml).toContain('<failure message="decision: expected &quot;APPROVED&quot;, got &quot;DECLINED&quot;">');
  }, 60_000);

  it('checks every file whole before running any, naming file, step and field of each mistake', async () => {
    const good = join(directory, 'good.json');
    const bad = join(directory, 'bad.yaml');
    writeFileSync(good, JSON.stringify({ name: 'fine', steps: [{ advance: 60 }] }));
    writeFileSync(
      bad,
      [
        'name: broken',
        'given: {cards: [{ref: anna}], clok: "x"}',
        'steps:',
        '  - tap: {cardNumber: "${bob}", action: ENTRY}',
        '  - {advance: -5, clock: "2025-03-04T10:00:00+08:00"}',
        '  - {expectSettlement: {date: "2025-13-01"}, expect: {a: 1}}',
      ].join('\n'),
    );
    const lines: string[] = [];
    const outcome = await runScenarioFiles({ paths: [good, bad, join(directory, 'missing.yaml')], print: (line) => lines.push(line) });
    expect(outcome.exitCode).toBe(2);
    expect(outcome.results).toEqual([]);
    expect(outcome.mistakes.map((m) => `${m.file === bad ? 'bad' : m.file.endsWith('missing.yaml') ? 'missing' : m.file} ${m.step ?? '-'} ${m.field}`).sort()).toEqual(
      [
        'bad - given.cards[0].issuerCode',
        'bad - given.clok',
        'bad 1 tap.cardNumber',
        'bad 1 tap.venueCode',
        'bad 2 (step)',
        'bad 3 expect',
        'bad 3 expectSettlement.date',
        'missing - (file)',
      ].sort(),
    );
    expect(lines[0]).toContain('nothing was run');
    expect(lines.some((line) => line.includes(`${bad}: step 1: tap.cardNumber refers to \${bob}`))).toBe(true);
  });
});
