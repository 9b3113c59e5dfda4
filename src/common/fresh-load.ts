/**
 * Runs a load so that every caller waits for one that *started after* its call, and so sees
 * whatever the database held when it called. Callers that arrive while a load is under way share
 * the next one: under load there are at most two loads in flight, and one read serves all the
 * requests that arrived during the previous read. With `gatherOneTurn` a load waits one turn of
 * the event loop before it begins, and the callers of that turn join it (a load that finishes
 * synchronously, like a SQLite read, would otherwise serve only the caller that started it).
 */
export class FreshLoad {
  private current: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private gathering = false;

  constructor(
    private readonly load: () => Promise<void>,
    private readonly gatherOneTurn = false,
  ) {}

  run(): Promise<void> {
    if (!this.current) return this.start();
    if (this.gathering) return this.current;
    this.next ??= this.current
      .catch(() => undefined)
      .then(() => {
        this.next = null;
        return this.start();
      });
    return this.next;
  }

  private start(): Promise<void> {
    const started: Promise<void> = (this.gatherOneTurn ? this.afterOneTurn() : this.load()).finally(() => {
      if (this.current === started) this.current = null;
    });
    this.current = started;
    return started;
  }

  private async afterOneTurn(): Promise<void> {
    this.gathering = true;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.gathering = false;
    return this.load();
  }
}
