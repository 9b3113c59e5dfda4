/**
 * The servers of `npm run bench` and `npm run soak`, each in a child process of its own: started,
 * waited for, sampled for memory, and killed — also when the script fails or is interrupted; and
 * the script's scratch dirs and PostgreSQL schema, which go however it ends.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchDatabase, postgresSchema } from './bulk';

const live = new Set<ChildProcess>();
const scratch = new Set<string>();
const atEndWork = new Set<() => Promise<unknown>>();
/** How long an interrupted script waits for its end work (a schema drop) before it exits anyway. */
const AT_END_MS = 10_000;

function killServers(): void {
  for (const child of live) child.kill('SIGKILL');
}

process.on('exit', () => {
  killServers();
  for (const dir of scratch) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (error) {
      console.error(`${dir} not removed: ${(error as Error).message}`);
    }
  }
});

/**
 * A new temp dir for a script's databases and logs, removed when the script exits however it
 * ends — finished, failed or interrupted (a million-card run leaves about 6 GB) — unless `keep`.
 */
export function scratchDir(prefix: string, keep = false): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (!keep) scratch.add(dir);
  return dir;
}

/**
 * Work a script's end needs that cannot run in an exit handler (dropping its PostgreSQL schema):
 * run once `main` has finished or failed, or on Ctrl-C, SIGTERM or SIGHUP after its servers are killed.
 */
export function atEnd(work: () => Promise<unknown>): void {
  atEndWork.add(work);
}

/** A script's database: on PostgreSQL, its private schema is dropped at its end (atEnd), unless `keep`. */
export function scriptDatabase(database: BenchDatabase, keep = false): BenchDatabase {
  if (database.kind === 'postgres' && !keep) {
    const { url, schema } = database;
    atEnd(() => postgresSchema(url, schema, 'drop').catch((e: unknown) => console.error(`drop schema ${schema}: ${(e as Error).message}`)));
  }
  return database;
}

let ending: Promise<void> | null = null;
/** The end work, run once: the end of `main` and an interrupt both wait for the same run. */
function runAtEnd(): Promise<void> {
  ending ??= (async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, AT_END_MS)));
    await Promise.race([Promise.allSettled([...atEndWork].map((w) => w())), timeout]);
    clearTimeout(timer);
  })();
  return ending;
}

/**
 * Runs a bench script's `main`: a failure sets exit code 1; Ctrl-C, SIGTERM or SIGHUP kills the
 * servers it started, waits for its end work and exits (a second one exits at once); the exit
 * handler above kills what is left and removes its scratch dirs.
 */
export function runScript(main: () => Promise<void>): void {
  let interrupts = 0;
  const interrupted = (signal: NodeJS.Signals) => {
    // A second Ctrl-C does not wait for the end work; the exit handler still runs.
    if (interrupts++ > 0) process.exit(130);
    console.error(`${signal}: stopping`);
    killServers();
    void runAtEnd().finally(() => process.exit(130));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, interrupted);
  main()
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => runAtEnd());
}

/** A free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Resident memory of a process from /proc (Linux): now and its high-water mark, in MB. */
export function memoryOf(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

export class Server {
  private exited: string | null = null;
  /** The exit code, or the signal's name, once the process has ended. */
  exitStatus: number | string | null = null;
  /** The largest RSS sampled since the last `resetPeak`. */
  peakRssMb = 0;
  private readonly sampler: NodeJS.Timeout;

  private constructor(
    readonly name: string,
    readonly url: string,
    private readonly child: ChildProcess,
    readonly logPath: string,
  ) {
    child.once('exit', (code, signal) => {
      this.exited = `exited with ${code ?? signal}`;
      this.exitStatus = code ?? signal;
      live.delete(child);
    });
    this.sampler = setInterval(() => this.sample(), 200);
    this.sampler.unref();
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Starts `node args…` with `env`; stdout and stderr go to `logPath`; waits until `readyPath` answers 200. */
  static async start(name: string, args: string[], env: Record<string, string>, logPath: string, readyPath: string, port: number): Promise<Server> {
    const log = openSync(logPath, 'a');
    const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) }, stdio: ['ignore', log, log] });
    closeSync(log);
    live.add(child);
    const server = new Server(name, `http://127.0.0.1:${port}`, child, logPath);
    // Bounded: 600 polls of 200 ms (two minutes) for migrations, seeding and start-up.
    for (let attempt = 0; attempt < 600; attempt++) {
      if (server.exited) throw new Error(`${name} ${server.exited} before it was ready:\n${tail(logPath)}`);
      try {
        const response = await fetch(`${server.url}${readyPath}`, { method: readyPath === '/floor' ? 'POST' : 'GET' });
        if (response.status < 500) return server;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await server.stop();
    throw new Error(`${name} was not ready after two minutes:\n${tail(logPath)}`);
  }

  sample(): void {
    const memory = memoryOf(this.pid);
    if (memory) this.peakRssMb = Math.max(this.peakRssMb, memory.rssMb);
  }

  resetPeak(): void {
    this.peakRssMb = 0;
    this.sample();
  }

  highWaterMb(): number {
    return memoryOf(this.pid)?.hwmMb ?? NaN;
  }

  /** Sends `signal` and waits until the process has ended: SIGKILL is a crash, SIGTERM a shutdown. */
  async signal(signal: 'SIGKILL' | 'SIGTERM'): Promise<number | string | null> {
    clearInterval(this.sampler);
    if (!this.exited) {
      const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill(signal);
      await gone;
    }
    return this.exitStatus;
  }

  /** SIGTERM (the service closes its database), SIGKILL after five seconds. */
  async stop(): Promise<void> {
    clearInterval(this.sampler);
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
}

/** The last lines of a log, for an error message. */
export function tail(path: string, lines = 20): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Warnings and errors a service logged (pino JSON lines, level ≥ 40), counted by message. */
export function loggedProblems(path: string): Record<string, number> {
  const counts: Record<string, number> = {};
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return counts;
  }
  for (const line of text.split('\n')) {
    if (!line.startsWith('{') || !/"level":(4|5|6)\d/.test(line)) continue;
    try {
      const entry = JSON.parse(line) as { level: number; msg?: string; err?: { message?: string }; context?: string };
      const key = `${entry.level >= 50 ? 'error' : 'warn'}: ${(entry.err?.message ?? entry.msg ?? '').slice(0, 160)}`;
      counts[key] = (counts[key] ?? 0) + 1;
    } catch {
      // a line cut by the kill
    }
  }
  return counts;
}
