import { isoWeekdayOf, minuteOfDayOf, startOfBusinessDay } from '../../src/common/time';
import venues from '../../src/seed/venues.seed.json';
import { CatalogVenue, VenueCatalog } from './catalog';
import { assignPlaces, DayContext, PlanState, planDay, Step } from './day-plan';
import { buildPopulation } from './population';
import { Random } from './prng';

const catalog = new VenueCatalog(venues as CatalogVenue[]);
const FRIDAY: DayContext = { index: 0, date: '2025-03-07', startMs: startOfBusinessDay('2025-03-07'), weekday: isoWeekdayOf('2025-03-07'), workingDay: true };

function plan(seed: string, count: number, day = FRIDAY) {
  return buildPopulation(count, seed, day.date).map((person) => {
    const random = Random.of(seed, 'person', person.index);
    const state: PlanState = { person, places: assignPlaces(person, catalog, random), random, cardStatus: 'ACTIVE', lossResolution: null, loans: [], itemSequence: 0 };
    return { state, steps: planDay(state, day, catalog) };
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe('planDay', () => {
  const days = plan('9', 6000);

  it('is the same for the same seed', () => {
    expect(plan('9', 300).map((d) => d.steps)).toEqual(plan('9', 300).map((d) => d.steps));
    expect(plan('10', 300).map((d) => d.steps)).not.toEqual(plan('9', 300).map((d) => d.steps));
  });

  it('keeps each day in time order, inside the day, at venues of the whitelist that take the action', () => {
    const bad = days.flatMap(({ steps }) =>
      steps.filter((step: Step, i) => {
        if (step.at < FRIDAY.startMs || step.at >= FRIDAY.startMs + 86_400_000 || (i > 0 && step.at < steps[i - 1].at)) return true;
        if (step.kind !== 'TAP') return false;
        const venue = catalog.get(step.venueCode);
        const accepts: Record<string, string[]> = { METRO_STATION: ['ENTRY', 'EXIT'], BUS_LINE: ['RIDE'], LIBRARY: ['ENTRY', 'BORROW', 'RETURN'], MUSEUM: ['ENTRY'], SCENIC_SPOT: ['ENTRY'] };
        return !venue || !accepts[venue.type].includes(step.action);
      }),
    );
    expect(bad).toEqual([]);
  });

  it("has commuters leave at their own city's morning peak: Chongqing earlier than Chengdu", () => {
    const firstTapMinute = (group: string) =>
      days
        .filter(({ state }) => state.person.group === group && state.person.role === 'WORKER' && state.person.commuteMode === 'METRO')
        .map(({ steps }) => steps.find((s) => s.kind === 'TAP')?.at)
        .filter((at): at is number => at !== undefined && minuteOfDayOf(at) < 12 * 60)
        .map((at) => minuteOfDayOf(at));
    const chengdu = median(firstTapMinute('CHENGDU'));
    const chongqing = median(firstTapMinute('CHONGQING_CENTRAL'));
    expect(chengdu).toBeGreaterThanOrEqual(8 * 60);
    expect(chengdu).toBeLessThanOrEqual(8 * 60 + 30);
    expect(chongqing).toBeGreaterThanOrEqual(7 * 60 + 30);
    expect(chongqing).toBeLessThan(chengdu);
  });

  it('sends some people to the other region, where they use its transit', () => {
    const crossing = days.filter(({ state, steps }) =>
      steps.some((s) => s.kind === 'TAP' && state.person.region !== 'OTHER' && catalog.get(s.venueCode)!.region !== state.person.region && catalog.get(s.venueCode)!.type === 'METRO_STATION'),
    );
    expect(crossing.length).toBeGreaterThan(10);
  });
});
