import { Injectable } from '@nestjs/common';
import { decideFault, FaultedRequest, FaultOutcome, FaultRule, seededDraws } from './fault-rules';

export interface FaultSettings {
  seed: number;
  rules: FaultRule[];
}

export interface FaultRuleState extends FaultRule {
  /** Requests this rule was the first to match. */
  matched: number;
  /** Of those, how many got its fault. */
  fired: number;
}

/**
 * The faults set with `PUT /sim/faults`. Held per instance (in this process's memory, like the
 * rate limit): a fault is a test's instruction to the instance it talks to, and its seeded
 * sequence is the sequence of requests that instance sees. Nothing any answer depends on when no
 * fault is set.
 */
@Injectable()
export class FaultsService {
  private settings: FaultSettings | null = null;
  private counts: { matched: number; fired: number }[] = [];
  private draw: () => number = () => 0;

  set(settings: FaultSettings): void {
    this.settings = settings;
    this.counts = settings.rules.map(() => ({ matched: 0, fired: 0 }));
    this.draw = seededDraws(settings.seed);
  }

  clear(): void {
    this.settings = null;
    this.counts = [];
  }

  view(): { seed: number | null; rules: FaultRuleState[] } {
    return {
      seed: this.settings?.seed ?? null,
      rules: (this.settings?.rules ?? []).map((rule, index) => ({ ...rule, ...this.counts[index] })),
    };
  }

  /** Whether a route can be faulted at all now (the cheap check before reading the request). */
  active(): boolean {
    return this.settings !== null && this.settings.rules.length > 0;
  }

  /** Decides what happens to a request, and counts it. */
  decide(request: FaultedRequest): FaultOutcome | null {
    if (!this.settings) return null;
    const outcome = decideFault(this.settings.rules, request, this.draw);
    if (outcome) {
      this.counts[outcome.rule].matched += 1;
      if (outcome.fault) this.counts[outcome.rule].fired += 1;
    }
    return outcome;
  }
}
