import { shanghaiIso, Traffic } from './traffic';

/**
 * Keeps the frozen clock of every service at the traffic's virtual now, four times a second, so
 * occurredAt stays within minutes of the service's now (`npm run bench`, `npm run soak`). A
 * service that is down (the soak's kill) is tried again at the next tick.
 */
export function keepClocks(urls: () => string[], adminKey: string, traffic: Traffic): { stop(): Promise<void> } {
  let running = true;
  let lastSet = 0;
  const tick = async () => {
    const target = traffic.currentMs();
    if (target <= lastSet) return;
    await Promise.all(
      urls().map(async (url) => {
        const response = await fetch(`${url}/sim/clock`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ now: shanghaiIso(target) }),
        });
        if (!response.ok) throw new Error(`PUT /sim/clock on ${url}: ${response.status} ${await response.text()}`);
      }),
    );
    lastSet = target;
    traffic.clockConfirmed(target);
  };
  let failing = false;
  const loop = (async () => {
    while (running) {
      // One line per run of failures (a service restarting fails every tick until it answers).
      await tick().then(
        () => (failing = false),
        (error: unknown) => {
          if (!failing) console.error(`clock: ${(error as Error).message}`);
          failing = true;
        },
      );
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}
