import type autocannon from 'autocannon';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * A paced load: `connections` keep-alive connections, each sending one request every
 * 1/`connectionRate` seconds on a fixed schedule, staggered so the whole load is even
 * (`npm run bench`'s paced case, `npm run soak`). Answers in autocannon's result shape.
 *
 * Why not autocannon's own `connectionRate`: autocannon 8 sends a connection's whole second
 * of requests back to back, then idles until the next second — 1,000 taps/s arrive as one burst
 * a second, not a steady rate. It also records each response with an expected interval of
 * 1 ms, adding made-up samples for every response slower than that. Here each latency is
 * measured from the request's scheduled time (so a server that falls behind is charged for
 * the wait it causes, without coordinated omission) and each response counts once. A connection
 * still sends every request scheduled before the end, so a server that fell behind makes the
 * run last longer than `duration`: the rate is the responses over the time it really took.
 */
export async function pacedLoad(options: autocannon.Options & { connectionRate: number }): Promise<autocannon.Result> {
  const url = new URL(options.url);
  const connections = options.connections ?? 10;
  const seconds = options.duration ?? 10;
  const timeoutMs = (options.timeout ?? 10) * 1000;
  const periodMs = 1000 / options.connectionRate;
  const spec = options.requests?.[0] ?? {};
  const latencies: number[] = [];
  const statusCodeStats: Record<string, { count: number }> = {};
  let errors = 0;
  let timeouts = 0;
  const started = performance.now();
  const end = started + seconds * 1000;

  const connection = async (index: number) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    let due = started + (index * periodMs) / connections;
    try {
      while (due < end) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const outcome = await sendOne(agent, url, options, spec, timeoutMs);
        if (outcome === 'timeout') timeouts++;
        else if (outcome === 'error') errors++;
        else {
          latencies.push(performance.now() - due);
          (statusCodeStats[outcome] ??= { count: 0 }).count++;
        }
        due += periodMs;
      }
    } finally {
      agent.destroy();
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, i) => connection(i)));

  latencies.sort((a, b) => a - b);
  const at = (q: number) => (latencies.length === 0 ? NaN : Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]));
  const count = (test: (code: number) => boolean) => Object.entries(statusCodeStats).reduce((sum, [code, { count }]) => sum + (test(Number(code)) ? count : 0), 0);
  const total = latencies.length;
  const duration = (performance.now() - started) / 1000;
  const mean = latencies.reduce((sum, l) => sum + l, 0) / Math.max(1, latencies.length);
  return {
    duration,
    requests: { average: total / duration, mean: total / duration, max: NaN, total, p50: NaN, p97_5: NaN, p99: NaN },
    latency: { average: mean, mean, max: at(1), total: latencies.length, p50: at(0.5), p97_5: at(0.975), p99: at(0.99) },
    errors: errors + timeouts, // as autocannon counts them
    timeouts,
    non2xx: count((code) => code < 200 || code > 299),
    '2xx': count((code) => code >= 200 && code <= 299),
    statusCodeStats,
  };
}

type RequestSpec = NonNullable<autocannon.Options['requests']>[number];

/** The next request, as autocannon would build it from `spec`, sent: its status code, or how it failed. */
function sendOne(agent: Agent, url: URL, options: autocannon.Options, spec: RequestSpec, timeoutMs: number): Promise<string> {
  let raw: RequestSpec;
  try {
    raw = spec.setupRequest ? (spec.setupRequest({}, {}) ?? {}) : spec;
  } catch {
    return Promise.resolve('error');
  }
  const headers = { ...options.headers, ...raw.headers };
  return send(agent, url, { method: raw.method ?? options.method ?? 'GET', path: raw.path ?? `${url.pathname}${url.search}`, headers, body: raw.body ?? options.body }, timeoutMs);
}

/** One request on the connection's agent: its status code, or how it failed (answered once). */
function send(agent: Agent, url: URL, raw: { method: string; path: string; headers: Record<string, string>; body?: string | Buffer }, timeoutMs: number): Promise<string> {
  return new Promise((answer) => {
    let answered = false;
    const resolve = (outcome: string) => {
      if (!answered) answer(outcome);
      answered = true;
    };
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1'); // an IPv6 literal without its brackets
    const req = request({ agent, host, port: url.port, method: raw.method, path: raw.path, headers: raw.headers, timeout: timeoutMs }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(String(res.statusCode)));
      res.on('error', () => resolve('error'));
      res.on('close', () => resolve(res.complete ? String(res.statusCode) : 'error'));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve('timeout');
    });
    req.on('error', () => resolve('error'));
    req.end(raw.body);
  });
}
