import { FreshLoad } from './fresh-load';

/** A load whose completion the test controls, counting how many began. */
function controlledLoad() {
  const pending: (() => void)[] = [];
  let started = 0;
  const load = () => {
    started += 1;
    return new Promise<void>((resolve) => pending.push(resolve));
  };
  return { load, started: () => started, finishNext: () => pending.shift()?.() };
}

describe('FreshLoad', () => {
  it('makes a caller that arrives during a load wait for one that starts after it', async () => {
    const control = controlledLoad();
    const loads = new FreshLoad(control.load);
    let firstDone = false;
    let secondDone = false;
    const first = loads.run().then(() => (firstDone = true));
    const second = loads.run().then(() => (secondDone = true));
    expect(control.started()).toBe(1);

    control.finishNext();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(secondDone).toBe(false);
    expect(control.started()).toBe(2);

    control.finishNext();
    await second;
    expect(firstDone && secondDone).toBe(true);
  });

  it('shares one later load among every caller that arrived during the current one', async () => {
    const control = controlledLoad();
    const loads = new FreshLoad(control.load);
    const calls = [loads.run(), loads.run(), loads.run(), loads.run()];
    control.finishNext();
    await new Promise((resolve) => setImmediate(resolve));
    control.finishNext();
    await Promise.all(calls);
    expect(control.started()).toBe(2);
  });

  it('passes a failed load on to its callers, and the next call loads again', async () => {
    let attempt = 0;
    const loads = new FreshLoad(async () => {
      attempt += 1;
      if (attempt === 1) throw new Error('database away');
    });
    await expect(loads.run()).rejects.toThrow('database away');
    await expect(loads.run()).resolves.toBeUndefined();
    expect(attempt).toBe(2);
  });

  it('with gatherOneTurn, lets every caller of the turn join the load, which begins on the next turn', async () => {
    const control = controlledLoad();
    const loads = new FreshLoad(control.load, true);
    const calls = [loads.run(), loads.run(), loads.run(), loads.run(), loads.run()];
    expect(control.started()).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(control.started()).toBe(1);
    const late = loads.run();
    control.finishNext();
    await Promise.all(calls);
    await new Promise((resolve) => setImmediate(resolve));
    expect(control.started()).toBe(2);
    control.finishNext();
    await late;
    expect(control.started()).toBe(2);
  });
});
