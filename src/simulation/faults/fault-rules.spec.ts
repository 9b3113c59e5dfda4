import { decideFault, DEFAULT_TIMEOUT_MS, FaultRule, seededDraws } from './fault-rules';

const rule = (overrides: Partial<FaultRule>): FaultRule => ({
  route: 'POST /taps', venueCode: null, terminalId: null, latencyMs: 0, jitterMs: 0, errorRate: 1, fault: 'UNAVAILABLE', ...overrides,
});
const tapAt = (venueCode: string, terminalId: string | null = null) => ({ route: 'POST /taps', venueCodes: [venueCode], terminalId });

describe('decideFault', () => {
  it('applies the first rule that matches route, venue and terminal', () => {
    const rules = [rule({ venueCode: 'A', fault: 'RESET' }), rule({ terminalId: 'T1', fault: 'RATE_LIMITED' }), rule({})];
    const draw = seededDraws(1);
    expect(decideFault(rules, tapAt('A'), draw)).toMatchObject({ rule: 0, fault: 'RESET' });
    expect(decideFault(rules, tapAt('B', 'T1'), draw)).toMatchObject({ rule: 1, fault: 'RATE_LIMITED' });
    expect(decideFault(rules, tapAt('B', 'T2'), draw)).toMatchObject({ rule: 2, fault: 'UNAVAILABLE' });
    expect(decideFault(rules, { route: 'GET /whitelist', venueCodes: [], terminalId: null }, draw)).toBeNull();
  });

  it('adds jitter within 0..jitterMs, and a TIMEOUT waits its latency (or the default) before closing', () => {
    const draw = seededDraws(9);
    for (let i = 0; i < 200; i++) {
      const outcome = decideFault([rule({ latencyMs: 100, jitterMs: 50, errorRate: 0 })], tapAt('A'), draw);
      expect(outcome?.fault).toBeNull();
      expect(outcome?.delayMs).toBeGreaterThanOrEqual(100);
      expect(outcome?.delayMs).toBeLessThanOrEqual(150);
    }
    expect(decideFault([rule({ fault: 'TIMEOUT' })], tapAt('A'), draw)).toMatchObject({ delayMs: DEFAULT_TIMEOUT_MS, fault: 'TIMEOUT' });
  });

  it('draws the same outcomes from the same seed, and faults about errorRate of requests', () => {
    const outcomes = (seed: number) => {
      const draw = seededDraws(seed);
      return Array.from({ length: 1000 }, () => decideFault([rule({ errorRate: 0.3, jitterMs: 10 })], tapAt('A'), draw));
    };
    expect(outcomes(5)).toEqual(outcomes(5));
    expect(outcomes(5)).not.toEqual(outcomes(6));
    const share = outcomes(5).filter((o) => o?.fault !== null).length / 1000;
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.35);
  });
});
