import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const SERVERS = join(__dirname, 'servers.ts');

/**
 * A bench script in a child process: it makes a scratch dir, prints its path, and then finishes
 * (`finish`), fails, or waits to be interrupted. Answers the path and how the child ended.
 */
function script(end: 'finish' | 'fail' | 'wait', keep = false): Promise<{ dir: string; code: number | null }> {
  const source = `
    const { runScript, scratchDir } = require(${JSON.stringify(SERVERS)});
    runScript(async () => {
      const dir = scratchDir('servers-spec-', ${keep});
      require('node:fs').writeFileSync(dir + '/data', 'x');
      console.log(dir);
      if (${JSON.stringify(end)} === 'fail') throw new Error('failed on purpose');
      if (${JSON.stringify(end)} === 'wait') await new Promise(() => setInterval(() => undefined, 1000));
    });`;
  const child = spawn(process.execPath, ['-r', '@swc-node/register', '-e', source], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (end === 'wait' && out.includes('\n')) child.kill('SIGINT');
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ dir: out.trim(), code }));
  });
}

describe('scratchDir', () => {
  it.each([
    ['finishes', 'finish', 0],
    ['fails', 'fail', 1],
    ['is interrupted (Ctrl-C)', 'wait', 130],
  ] as const)('is gone when the script %s', async (_, end, code) => {
    const run = await script(end);
    expect(run.code).toBe(code);
    expect(run.dir).toMatch(/servers-spec-/);
    expect(existsSync(run.dir)).toBe(false);
  });

  it('stays with keep', async () => {
    const run = await script('wait', true);
    try {
      expect(run.code).toBe(130);
      expect(existsSync(join(run.dir, 'data'))).toBe(true);
    } finally {
      rmSync(run.dir, { recursive: true, force: true });
    }
  });
});
