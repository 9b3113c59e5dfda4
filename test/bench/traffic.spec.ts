import { benchCardNumber, benchCardRegion, TapBody, Traffic } from './traffic';

const taps = (traffic: Traffic, count: number): TapBody[] => Array.from({ length: count }, () => traffic.next());
const riderCards = (bodies: TapBody[]) => new Set(bodies.filter((b) => b.cardNumber.startsWith('B') && b.venueCode !== 'CD-M9-GONE').map((b) => b.cardNumber));

describe('bench traffic', () => {
  it('sends the same taps from 2,000 riders whether 2,000 or a million cards are issued, only on other cards', () => {
    const small = taps(new Traffic(2_000, 'RUN', 2_000), 30_000);
    const large = taps(new Traffic(1_000_000, 'RUN', 2_000), 30_000);
    // Bench cards (B…) differ; the magic and unknown cards of the declines do not.
    const withoutBenchCard = (b: TapBody) => ({ ...b, cardNumber: b.cardNumber.startsWith('B') ? 'B' : b.cardNumber });
    expect(large.map(withoutBenchCard)).toEqual(small.map(withoutBenchCard));
    // Exits and rides, not only the first entries of a million riders.
    expect(large.filter((b) => b.action === 'EXIT').length).toBeGreaterThan(large.length / 5);
  });

  it('spreads the riders over the issued cards, each on a card of its own region', () => {
    const bodies = taps(new Traffic(1_000_000, 'RUN', 2_000), 2_000 * 3);
    const cards = riderCards(bodies);
    expect(cards.size).toBe(2_000);
    const indexes = [...cards].map((c) => Number(c.slice(1))).sort((a, b) => a - b);
    expect(indexes[0]).toBe(0);
    expect(indexes[indexes.length - 1]).toBeGreaterThan(999_000);
    expect(indexes.every((index) => index < 1_000_000)).toBe(true);
    // Rider r rides from card r's region when there is a card per rider: the same halves of each region.
    expect(indexes.filter((index) => benchCardRegion(index) === 'SICHUAN').length).toBe(1_000);
  });

  it('has every card ride when there are fewer cards than riders', () => {
    const cards = riderCards(taps(new Traffic(300, 'RUN', 2_000), 300 * 3));
    expect(cards).toEqual(new Set(Array.from({ length: 300 }, (_, i) => benchCardNumber(i))));
  });
});
