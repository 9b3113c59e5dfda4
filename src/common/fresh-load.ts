/**
 * Runs a load so that every caller waits for one that *started after* its call, and so sees
 * whatever the database held when it called. Callers that arrive while a load is under way share
 * the next one: under load there are at most two loads in flight, and one read serves all the
 * requests that arrived during the previous read.
 */
export class FreshLoad {
  private current: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(private readonly load: () => Promise<void>) {}

  run(): Promise<void> {
    if (!this.current) return this.start();
    this.next ??= this.current
      .catch(() => undefined)
      .then(() => {
        this.next = null;
        return this.start();
      });
    return this.next;
  }

  private start(): Promise<void> {
    const started: Promise<void> = this.load().finally(() => {
      if (this.current === started) this.current = null;
    });
    this.current = started;
    return started;
  }
}
