import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SERVERS = join(__dirname, 'servers.ts');

/**
 * A bench script in a child process: it makes a scratch dir, registers end work that writes a
 * file into the spec's own temp dir after an await (as a schema drop would), prints the dir,
 * and then finishes, fails, or waits to be interrupted. Answers the dir, the end work's file
 * and how the child ended.
 */
function script(end: 'finish' | 'fail' | 'wait', keep = false): Promise<{ dir: string; ended: string; code: number | null }> {
  const ended = join(marks, `${end}-${keep}`);
  const source = `
    const { writeFileSync } = require('node:fs');
    const { atEnd, runScript, scratchDir } = require(${JSON.stringify(SERVERS)});
    runScript(async () => {
      const dir = scratchDir('servers-spec-', ${keep});
      writeFileSync(dir + '/data', 'x');
      atEnd(async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        writeFileSync(${JSON.stringify(ended)}, 'dropped');
      });
      console.log(dir);
      if (${JSON.stringify(end)} === 'fail') throw new Error('failed on purpose');
      if (${JSON.stringify(end)} === 'wait') await new Promise(() => setInterval(() => undefined, 1000));
    });`;
  const child = spawn(process.execPath, ['-r', '@swc-node/register', '-e', source], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let interrupted = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (end === 'wait' && out.includes('\n') && !interrupted) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ dir: out.trim(), ended, code }));
  });
}

let marks: string;
beforeAll(() => (marks = mkdtempSync(join(tmpdir(), 'servers-spec-marks-'))));
afterAll(() => rmSync(marks, { recursive: true, force: true }));

describe('a bench script\'s scratch dir and end work', () => {
  it.each([
    ['finishes', 'finish', 0],
    ['fails', 'fail', 1],
    ['is interrupted (Ctrl-C)', 'wait', 130],
  ] as const)('the dir is gone and the end work done when the script %s', async (_, end, code) => {
    const run = await script(end);
    expect(run.code).toBe(code);
    expect(run.dir).toMatch(/servers-spec-/);
    expect(existsSync(run.dir)).toBe(false);
    expect(readFileSync(run.ended, 'utf8')).toBe('dropped');
  });

  it('the dir stays with keep', async () => {
    const run = await script('wait', true);
    try {
      expect(run.code).toBe(130);
      expect(existsSync(join(run.dir, 'data'))).toBe(true);
    } finally {
      rmSync(run.dir, { recursive: true, force: true });
    }
  });
});
