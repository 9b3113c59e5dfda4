/**
 * Injected faults (SPEC §6), as pure rules: which rule a request meets, and what it does to it,
 * from a seeded stream of draws. No Nest, no HTTP, no clock.
 */
export const FAULT_ROUTES = ['POST /taps', 'POST /taps/batch', 'GET /whitelist', 'GET /hotlist'] as const;
export type FaultRoute = (typeof FAULT_ROUTES)[number];
export const FAULT_KINDS = ['UNAVAILABLE', 'RATE_LIMITED', 'RESET', 'TIMEOUT'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** How long a TIMEOUT holds the request before closing it when the rule gives no latencyMs. */
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface FaultRule {
  route: FaultRoute;
  venueCode: string | null;
  terminalId: string | null;
  latencyMs: number;
  jitterMs: number;
  /** Share of matching requests that get the fault (0 for a rule that only delays). */
  errorRate: number;
  fault: FaultKind;
}

/** What the fault layer knows of a request before anything is read or written. */
export interface FaultedRequest {
  route: string;
  /** The terminal's venue, or the venue(s) an admin key's body names. */
  venueCodes: string[];
  terminalId: string | null;
}

/** What happens to a request: wait `delayMs`, then answer normally (`fault` null) or fail. */
export interface FaultOutcome {
  rule: number;
  delayMs: number;
  fault: FaultKind | null;
}

export function matches(rule: FaultRule, request: FaultedRequest): boolean {
  return (
    rule.route === request.route &&
    (rule.venueCode === null || request.venueCodes.includes(rule.venueCode)) &&
    (rule.terminalId === null || rule.terminalId === request.terminalId)
  );
}

/**
 * The first rule that matches decides. Every matching request takes exactly two draws (jitter,
 * then the fault), so the same seed gives the same outcomes for the same sequence of requests.
 */
export function decideFault(rules: FaultRule[], request: FaultedRequest, draw: () => number): FaultOutcome | null {
  const index = rules.findIndex((rule) => matches(rule, request));
  if (index === -1) return null;
  const rule = rules[index];
  const jitter = Math.floor(draw() * (rule.jitterMs + 1));
  const faulted = draw() < rule.errorRate;
  if (faulted && rule.fault === 'TIMEOUT') return { rule: index, delayMs: (rule.latencyMs || DEFAULT_TIMEOUT_MS) + jitter, fault: 'TIMEOUT' };
  return { rule: index, delayMs: rule.latencyMs + jitter, fault: faulted ? rule.fault : null };
}

/** mulberry32: a small, fast, seeded generator of numbers in [0, 1). */
export function seededDraws(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
