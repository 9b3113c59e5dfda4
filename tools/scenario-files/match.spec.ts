import { mismatches } from './match';

describe('mismatches (subset matching of an answer)', () => {
  const answer = { decision: 'DECLINED', reason: 'CARD_LOST', fareFen: 0, journey: { status: 'OPEN', id: 'x' }, net: [{ from: 'A', amountFen: 5 }] };

  it('passes when every field named matches, ignoring the others', () => {
    expect(mismatches({ decision: 'DECLINED', journey: { status: 'OPEN' }, net: [{ amountFen: 5 }] }, answer)).toEqual([]);
  });

  it('names each field that differs or is absent, with the expected and the actual', () => {
    expect(mismatches({ decision: 'APPROVED', reason: null, journey: { status: 'COMPLETE' }, balanceFen: 10 }, answer)).toEqual([
      { path: 'decision', expected: 'APPROVED', actual: 'DECLINED' },
      { path: 'reason', expected: null, actual: 'CARD_LOST' },
      { path: 'journey.status', expected: 'COMPLETE', actual: 'OPEN' },
      { path: 'balanceFen', expected: 10, actual: undefined },
    ]);
  });

  it('matches lists item by item and of the same length', () => {
    expect(mismatches({ net: [] }, answer)).toEqual([{ path: 'net.length', expected: 0, actual: 1 }]);
    expect(mismatches({ net: [{ from: 'B' }] }, answer)).toEqual([{ path: 'net[0].from', expected: 'B', actual: 'A' }]);
    expect(mismatches({ journey: [1] }, answer)).toEqual([{ path: 'journey', expected: [1], actual: answer.journey }]);
  });
});
