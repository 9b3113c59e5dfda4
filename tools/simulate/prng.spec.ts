import { Random } from './prng';

describe('Random (sfc32 seeded by cyrb128)', () => {
  it('gives the same stream for the same label, on every run and platform', () => {
    const random = Random.of('42');
    expect([random.nextUint32(), random.nextUint32(), random.nextUint32()]).toEqual([2626566973, 1247484098, 2614520402]);
    expect(Random.tag('42')).toBe('a7bcccff');
  });

  it('gives independent streams for different labels', () => {
    const draws = (random: Random) => Array.from({ length: 8 }, () => random.nextUint32());
    expect(draws(Random.of('42', 'person', 1))).toEqual(draws(Random.of('42', 'person', 1)));
    expect(draws(Random.of('42', 'person', 1))).not.toEqual(draws(Random.of('42', 'person', 2)));
    expect(draws(Random.of('42', 'person', 1))).not.toEqual(draws(Random.of('43', 'person', 1)));
    // Parts are joined with a separator that can't be typed by accident: ('a', 'bc') is not ('ab', 'c').
    expect(draws(Random.of('a', 'bc'))).not.toEqual(draws(Random.of('ab', 'c')));
  });

  it('draws uniformly in [0, 1)', () => {
    const random = Random.of('uniform');
    const buckets = new Array<number>(10).fill(0);
    const n = 100_000;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const x = random.next();
      if (x < 0 || x >= 1) outside += 1;
      else buckets[Math.floor(x * 10)] += 1;
    }
    expect(outside).toBe(0);
    // Chi-square with 9 degrees of freedom: 27.9 is the 0.1 % critical value.
    const chiSquare = buckets.reduce((sum, observed) => sum + (observed - n / 10) ** 2 / (n / 10), 0);
    expect(chiSquare).toBeLessThan(27.9);
  });

  it('draws whole numbers between both bounds, each of them', () => {
    const random = Random.of('int');
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(random.int(-2, 3));
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
    expect(() => random.int(3, 2)).toThrow(RangeError);
  });

  it('picks by weight', () => {
    const random = Random.of('weighted');
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 60_000; i++) counts[random.weighted([['a', 1], ['b', 2], ['c', 3]] as const)] += 1;
    expect(counts.a / 60_000).toBeCloseTo(1 / 6, 2);
    expect(counts.b / 60_000).toBeCloseTo(2 / 6, 2);
    expect(counts.c / 60_000).toBeCloseTo(3 / 6, 2);
    expect(() => random.weighted([['a', 0]])).toThrow(RangeError);
  });

  it('draws normal values with the asked mean and spread, clamped when bounds are given', () => {
    const random = Random.of('normal');
    const values = Array.from({ length: 50_000 }, () => random.normal(480, 30));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean - 480)).toBeLessThan(0.5);
    expect(Math.abs(sd - 30)).toBeLessThan(0.5);
    const clamped = Array.from({ length: 1000 }, () => random.normal(0, 10, -5, 5));
    expect(Math.min(...clamped)).toBe(-5);
    expect(Math.max(...clamped)).toBe(5);
  });

  it('chance(p) comes true about p of the time', () => {
    const random = Random.of('chance');
    let hits = 0;
    for (let i = 0; i < 100_000; i++) if (random.chance(0.03)) hits += 1;
    expect(hits / 100_000).toBeCloseTo(0.03, 2);
  });
});
