import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { startSimulator } from '../../src/embed';

/** The service the runner drives when no `--url` is given. */
export interface InProcessService {
  url: string;
  adminKey: string;
  /** Where it runs: its own worker thread, or (when no thread could be started) the runner's. */
  thread: 'worker' | 'main';
  close(): Promise<void>;
}

type FromWorker = { type: 'ready'; url: string; adminKey: string } | { type: 'failed'; message: string } | { type: 'closed' };

/**
 * Starts the service with the embedding API in a worker thread of this process. The service
 * is single-threaded JavaScript and the runner is too; in one thread they take turns, in two
 * they each get a core. Falls back to the runner's own thread when no worker can be started.
 */
export async function startInProcessService(): Promise<InProcessService> {
  try {
    return await startInWorker();
  } catch (error) {
    new Logger('Scenario').warn(`No worker thread for the service (${(error as Error).message}); running it in this thread`);
    const simulator = await startSimulator();
    return { url: simulator.url, adminKey: simulator.adminKey, thread: 'main', close: () => simulator.close() };
  }
}

function startInWorker(): Promise<InProcessService> {
  const typescript = __filename.endsWith('.ts');
  const worker = new Worker(join(__dirname, `simulator-thread${typescript ? '.ts' : '.js'}`), {
    // Source runs need the TypeScript loader in the thread too (under jest the parent has none).
    execArgv: typescript ? ['-r', '@swc-node/register'] : [],
    stdout: false,
    stderr: false,
  });
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(error);
    worker.once('error', failed);
    worker.once('exit', (code) => reject(new Error(`the worker thread exited with code ${code}`)));
    worker.once('message', (message: FromWorker) => {
      worker.removeAllListeners('exit');
      if (message.type !== 'ready') {
        void worker.terminate();
        reject(new Error(message.type === 'failed' ? message.message : 'unexpected message'));
        return;
      }
      resolve({
        url: message.url,
        adminKey: message.adminKey,
        thread: 'worker',
        close: () =>
          new Promise<void>((done) => {
            worker.once('exit', () => done());
            worker.postMessage('close');
          }),
      });
    });
  });
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  startSimulator().then(
    (simulator) => {
      port.on('message', (message) => {
        if (message !== 'close') return;
        void simulator.close().finally(() => port.close());
      });
      port.postMessage({ type: 'ready', url: simulator.url, adminKey: simulator.adminKey } satisfies FromWorker);
    },
    (error: unknown) => port.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies FromWorker),
  );
}
