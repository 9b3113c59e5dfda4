import { REASON_CATALOGUE } from './reason-catalogue';
import { DECLINE_REASONS } from './tap-decision';
import { TAP_ACTIONS } from './tap.entity';

describe('the reason catalogue', () => {
  it("covers exactly the core's decline reasons, in the core's decision order", () => {
    expect(Object.keys(REASON_CATALOGUE)).toEqual([...DECLINE_REASONS]);
  });

  it.each(DECLINE_REASONS)('gives %s actions of the tap and a meaning in English and Chinese', (reason) => {
    const entry = REASON_CATALOGUE[reason];
    expect(entry.actions.length).toBeGreaterThan(0);
    for (const action of entry.actions) expect(TAP_ACTIONS).toContain(action);
    expect(entry.en).toMatch(/\w{3}/);
    expect(entry.zh).toMatch(/[\u4e00-\u9fff]/);
  });
});
