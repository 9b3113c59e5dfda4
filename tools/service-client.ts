import http from 'node:http';
import https from 'node:https';

export interface ServiceResponse<T> {
  status: number;
  body: T;
  retryAfterSeconds?: number;
}

const RETRYABLE_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN']);
const MAX_ATTEMPTS = 6;

/**
 * A small JSON client of the service with the admin key: keep-alive sockets, at most
 * `maxSockets` requests on the wire, and retries of what may safely be sent again (a dropped
 * connection, a 503, a 429 after its Retry-After). Taps and top-ups carry idempotency keys, so
 * a retry never counts twice.
 */
export class ServiceClient {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private readonly authorization: string;
  /** Requests answered, retries not counted. */
  requests = 0;

  constructor(baseUrl: string, adminKey: string, maxSockets: number) {
    this.base = new URL(baseUrl);
    this.transport = this.base.protocol === 'https:' ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
    this.authorization = `Bearer ${adminKey}`;
  }

  /** `key`: another key than the admin key for this request (a terminal's). */
  async request<T>(method: string, path: string, body?: unknown, key?: string): Promise<ServiceResponse<T>> {
    for (let attempt = 1; ; attempt++) {
      let waitMs = 25 * 2 ** attempt;
      try {
        const response = await this.send<T>(method, path, body, key);
        const retryable = response.status === 503 || response.status === 429;
        if (!retryable || attempt >= MAX_ATTEMPTS) {
          this.requests += 1;
          return response;
        }
        // Rate limited: wait as long as the service asks (a 429 records nothing).
        if (response.status === 429) waitMs = Math.min(60, response.retryAfterSeconds ?? 1) * 1000;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        const retryable = RETRYABLE_ERRORS.has(code) || /socket hang up/.test((error as Error).message);
        if (!retryable || attempt >= MAX_ATTEMPTS) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }

  /** Like `request`, but anything other than `expected` is an error naming the call and the answer. */
  async expect<T>(expected: number, method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.request<T>(method, path, body);
    if (response.status !== expected) {
      throw new Error(`${method} ${path} answered ${response.status}, expected ${expected}: ${JSON.stringify(response.body)}`);
    }
    return response.body;
  }

  close(): void {
    this.agent.destroy();
  }

  private send<T>(method: string, path: string, body?: unknown, key?: string): Promise<ServiceResponse<T>> {
    // A Buffer goes as it is (a snapshot file), anything else as JSON.
    const bytes = Buffer.isBuffer(body);
    const payload = body === undefined ? undefined : bytes ? body : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const request = this.transport.request(
        {
          protocol: this.base.protocol,
          hostname: this.base.hostname,
          port: this.base.port,
          path: `${this.base.pathname.replace(/\/$/, '')}${path}`,
          method,
          agent: this.agent,
          headers: {
            authorization: key === undefined ? this.authorization : `Bearer ${key}`,
            accept: 'application/json',
            ...(payload ? { 'content-type': bytes ? 'application/gzip' : 'application/json', 'content-length': payload.length } : {}),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            if (text.length > 0 && /json/.test(response.headers['content-type'] ?? '')) {
              try {
                parsed = JSON.parse(text);
              } catch {
                parsed = text;
              }
            }
            const retryAfter = Number(response.headers['retry-after']);
            resolve({ status: response.statusCode ?? 0, body: parsed as T, ...(retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}) });
          });
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  }
}

/** Runs `work` over `items` with at most `limit` running at once; resolves when all are done. */
export async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown = null;
  const worker = async () => {
    while (failure === null && next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== null) throw failure;
}
