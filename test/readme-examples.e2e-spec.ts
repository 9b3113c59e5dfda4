import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestApp, TestApp } from './support/test-app';

/**
 * README's "API by example" is executable: this spec runs its bash block, in order, against a
 * fresh service listening on a random port, and checks every `# →` line against the answer of
 * the command above it: the status, and the JSON shown as a subset (`…` is "more fields", "more
 * elements" or "any value"; inside a string, any text).
 */

interface Step {
  command: string;
  /** curl calls in the command; the `# →` line describes the last one. */
  curls: number;
  expect?: string;
}

/** The first bash block after the "The API by example" heading, as commands and their expectations. */
export function readExampleSteps(readme: string): Step[] {
  const section = readme.slice(readme.indexOf('## The API by example'));
  const block = /```bash\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README has no bash block under "The API by example"');
  const steps: Step[] = [];
  const lines = block[1].split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('# →')) {
      let text = line.slice(3).trim();
      while (lines[i + 1]?.startsWith('#    ')) text += lines[++i].slice(1).trim();
      const step = steps[steps.length - 1];
      if (!step || step.expect !== undefined || step.curls === 0) throw new Error(`"${line}" follows no curl command`);
      step.expect = text;
    } else if (line.trim() !== '' && !line.startsWith('#')) {
      let command = line;
      while (command.endsWith('\\')) command = `${command}\n${lines[++i]}`;
      steps.push({ command, curls: (command.match(/\bcurl\s/g) ?? []).length });
    }
  }
  return steps;
}

type Pattern =
  | { kind: 'any' }
  | { kind: 'literal'; value: unknown }
  | { kind: 'text'; regex: RegExp; shown: string }
  | { kind: 'object'; members: [string, Pattern][]; open: boolean }
  | { kind: 'array'; items: Pattern[]; open: boolean };

/** Parses JSON in which `…` may stand for members, elements, values or text; trailing prose is ignored. */
export function parsePattern(text: string): Pattern {
  let at = 0;
  const skip = () => {
    while (/\s/.test(text[at] ?? '')) at++;
  };
  const fail = (what: string): never => {
    throw new Error(`cannot read the JSON shown at ${at} (${what}): ${text}`);
  };
  const string = (): string => {
    const end = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(at));
    if (!end) fail('string');
    at += end![0].length;
    return JSON.parse(end![0]);
  };
  const value = (): Pattern => {
    skip();
    const c = text[at];
    if (c === '…') {
      at++;
      return { kind: 'any' };
    }
    if (c === '{' || c === '[') {
      const closing = c === '{' ? '}' : ']';
      at++;
      const members: [string, Pattern][] = [];
      const items: Pattern[] = [];
      let open = false;
      skip();
      while (text[at] !== closing) {
        skip();
        if (text[at] === '…') {
          at++;
          open = true;
        } else if (c === '{') {
          const key = string();
          skip();
          if (text[at++] !== ':') fail('colon');
          members.push([key, value()]);
        } else {
          items.push(value());
        }
        skip();
        if (text[at] === ',') at++;
        else if (text[at] !== closing) fail(`${closing} or comma`);
      }
      at++;
      return c === '{' ? { kind: 'object', members, open } : { kind: 'array', items, open };
    }
    if (c === '"') {
      const s = string();
      if (!s.includes('…')) return { kind: 'literal', value: s };
      const regex = new RegExp(`^${s.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
      return { kind: 'text', regex, shown: s };
    }
    const token = /^(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(at));
    if (!token) fail('value');
    at += token![0].length;
    return { kind: 'literal', value: JSON.parse(token![0]) };
  };
  return value();
}

/** Where the actual answer departs from the pattern, as `path: problem` lines. */
export function mismatches(pattern: Pattern, actual: unknown, path = '$'): string[] {
  switch (pattern.kind) {
    case 'any':
      return [];
    case 'literal':
      return Object.is(pattern.value, actual) ? [] : [`${path}: expected ${JSON.stringify(pattern.value)}, got ${JSON.stringify(actual)}`];
    case 'text':
      return typeof actual === 'string' && pattern.regex.test(actual) ? [] : [`${path}: expected "${pattern.shown}", got ${JSON.stringify(actual)}`];
    case 'array': {
      if (!Array.isArray(actual)) return [`${path}: expected an array, got ${JSON.stringify(actual)}`];
      const problems: string[] = [];
      if (pattern.open ? actual.length < pattern.items.length : actual.length !== pattern.items.length) {
        problems.push(`${path}: expected ${pattern.open ? 'at least ' : ''}${pattern.items.length} elements, got ${actual.length}`);
      }
      pattern.items.forEach((item, i) => problems.push(...mismatches(item, actual[i], `${path}[${i}]`)));
      return problems;
    }
    case 'object': {
      if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
      const record = actual as Record<string, unknown>;
      const problems: string[] = [];
      for (const [key, member] of pattern.members) {
        if (!(key in record)) problems.push(`${path}.${key}: missing`);
        else problems.push(...mismatches(member, record[key], `${path}.${key}`));
      }
      if (!pattern.open) {
        const shown = new Set(pattern.members.map(([key]) => key));
        for (const key of Object.keys(record)) if (!shown.has(key)) problems.push(`${path}.${key}: not shown (add it, or …)`);
      }
      return problems;
    }
  }
}

const run = promisify(execFile);

describe('README: the API by example', () => {
  let t: TestApp;
  let port: number;
  let out: string;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    out = mkdtempSync(join(tmpdir(), 'readme-'));
  });
  afterAll(async () => {
    await t.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('reads the JSON of a `# →` line with … as more fields, elements, values or text', () => {
    const pattern = parsePattern('{"a":1,"b":"tk_…","c":[…],"d":{"e":null,…},…}   (prose)');
    expect(mismatches(pattern, { a: 1, b: 'tk_9z', c: [1], d: { e: null, f: 2 }, g: true })).toEqual([]);
    expect(mismatches(pattern, { a: 2, b: 'x', c: {}, d: { f: 2 } })).toEqual([
      '$.a: expected 1, got 2', '$.b: expected "tk_…", got "x"', '$.c: expected an array, got {}', '$.d.e: missing',
    ]);
    expect(mismatches(parsePattern('{"a":[1,…]}'), { a: [1, 2], b: 3 })).toEqual(['$.b: not shown (add it, or …)']);
  });

  it('runs every command of the block in order, and each answer is the one shown', async () => {
    const steps = readExampleSteps(readFileSync(join(__dirname, '..', 'README.md'), 'utf8'));
    expect(steps.filter((step) => step.expect !== undefined).length).toBeGreaterThanOrEqual(15);
    writeFileSync(join(out, 'n'), '0');
    // Every curl call leaves its headers and body in $OUT/<n>.*; answers still reach stdout and $(…) captures.
    const script = [
      'set -euo pipefail',
      `OUT='${out}'`,
      'curl() { local n=$(( $(cat "$OUT/n") + 1 )); echo $n > "$OUT/n"; command curl -sS --max-time 20 -D "$OUT/$n.headers" "$@" | tee "$OUT/$n.body"; }',
      ...steps.map((step) => step.command.replaceAll('localhost:3000', `127.0.0.1:${port}`)),
    ].join('\n');
    await run('bash', ['-c', script], { cwd: out, timeout: 60_000 });

    let calls = 0;
    const failures: string[] = [];
    for (const step of steps) {
      calls += step.curls;
      if (step.expect === undefined) continue;
      const [, status, shown] = /^(\d{3})\s+([\s\S]*)$/.exec(step.expect) ?? fail(`"# → ${step.expect}" has no status`);
      const statusLine = readFileSync(join(out, `${calls}.headers`), 'utf8').split('\n').filter((l) => l.startsWith('HTTP/')).pop() ?? '';
      const body = readFileSync(join(out, `${calls}.body`), 'utf8');
      const problems = [
        ...(statusLine.split(' ')[1] === status ? [] : [`status: expected ${status}, got ${statusLine.trim()}`]),
        ...mismatches(parsePattern(shown), JSON.parse(body)),
      ];
      if (problems.length > 0) failures.push(`${step.command.split('\n')[0]}\n  ${problems.join('\n  ')}`);
    }
    expect(failures).toEqual([]);
  });
});

function fail(message: string): never {
  throw new Error(message);
}
