import { CatalogVenue, VenueCatalog } from './catalog';
import { PEAKS, PeakWave, RAILWAY_STATIONS, TransitCity } from './geography';
import type { Person } from './population';
import { Random } from './prng';

export type TapAction = 'ENTRY' | 'EXIT' | 'RIDE' | 'BORROW' | 'RETURN';

/** One thing a person does at an instant (epoch ms); taps go to the service, the rest are card admin. */
export type Step =
  | { kind: 'TAP'; at: number; venueCode: string; action: TapAction; itemId?: string }
  | { kind: 'REPORT_LOST'; at: number; resolution: 'FOUND' | 'REPLACE' }
  | { kind: 'FOUND'; at: number }
  | { kind: 'REPLACE'; at: number };

/** Where a person's everyday life happens, fixed for the whole scenario. */
export interface Places {
  /** The big city whose metro and buses the person uses at home, if any. */
  city: TransitCity | null;
  homeStation?: string;
  workStation?: string;
  homeBus?: string;
  workBus?: string;
  library?: string;
}

/** What the planner knows of a person at the start of a day (the runner keeps it up to date). */
export interface PlanState {
  person: Person;
  places: Places;
  /** The person's own stream: every draw about them, in their order. */
  random: Random;
  /** ACTIVE, or TEMP_LOST after a loss with its planned outcome. */
  cardStatus: 'ACTIVE' | 'TEMP_LOST';
  lossResolution: 'FOUND' | 'REPLACE' | null;
  loans: { itemId: string; venueCode: string }[];
  itemSequence: number;
}

export interface DayContext {
  index: number;
  date: string;
  /** 00:00 of the day, Beijing time, epoch ms. */
  startMs: number;
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  workingDay: boolean;
}

/** Chance per card and day that the card is lost (reported lost the same day). */
export const LOSS_PER_DAY = 0.001;

const HOUR = 60;

/** Chooses where a person lives, works and reads; called once per person before the first day. */
export function assignPlaces(person: Person, catalog: VenueCatalog, random: Random): Places {
  const city: TransitCity | null =
    person.group === 'CHENGDU' ? 'CHENGDU' : person.group === 'CHONGQING_CENTRAL' ? 'CHONGQING' : person.group === 'OUTSIDE' ? (random.chance(0.6) ? 'CHENGDU' : 'CHONGQING') : null;
  if (!city) return { city: null };
  const stations = catalog.stations(city);
  const buses = catalog.busLines(city);
  const libraries = catalog.libraries(city);
  const homeStation = stations.length > 0 ? random.pick(stations).code : undefined;
  let workStation = stations.length > 0 ? random.pick(stations).code : undefined;
  if (workStation === homeStation && stations.length > 1) workStation = stations[(stations.findIndex((s) => s.code === homeStation) + 7) % stations.length].code;
  return {
    city,
    homeStation,
    workStation,
    homeBus: buses.length > 0 ? random.pick(buses).code : undefined,
    workBus: buses.length > 0 ? random.pick(buses).code : undefined,
    library: libraries.length > 0 ? random.pick(libraries).code : undefined,
  };
}

/**
 * One person's day: commuting at their city's peaks, errands, museums and scenic spots, the
 * library, a trip to the other city, and now and then a lost card. Only the person's own
 * stream is drawn from, so a day's plan depends on nothing but the seed and the person's past.
 */
export function planDay(state: PlanState, day: DayContext, catalog: VenueCatalog): Step[] {
  const { person, places, random } = state;
  const builder = new DayBuilder(day, random, catalog);
  if (person.role === 'CHILD') {
    if (person.reader && random.chance(day.workingDay ? 0.02 : 0.08)) libraryVisit(builder, state, catalog, null);
    return finish(builder, state, day);
  }
  if (person.role === 'VISITOR') {
    visitorDay(builder, places, catalog);
    return finish(builder, state, day);
  }

  const commuter = person.commuteMode !== 'NONE' && places.city !== null;
  const works = person.role === 'PUPIL' ? day.workingDay : day.workingDay ? random.chance(0.95) : random.chance(0.12);
  if (random.chance(person.travel * (day.workingDay ? 1 : 0.7))) {
    travelDay(builder, state, catalog);
  } else if (commuter && works) {
    const evening = commuteDay(builder, state);
    if (person.reader && places.library && random.chance(0.06)) libraryVisit(builder, state, catalog, Math.max(evening + 20, 19 * HOUR));
  } else {
    freeDay(builder, state, catalog);
  }
  return finish(builder, state, day);
}

/** Lost-card episodes: yesterday's loss resolved, and maybe a new loss today. */
function finish(builder: DayBuilder, state: PlanState, day: DayContext): Step[] {
  const { random } = state;
  let steps = builder.sorted();
  if (state.cardStatus === 'TEMP_LOST' && state.lossResolution === 'REPLACE') {
    // At a service counter in the morning; no card (they pay cash) until then.
    const at = builder.at(random.int(9 * HOUR, 11 * HOUR + 30));
    steps = [{ kind: 'REPLACE', at }, ...steps.filter((s) => s.at > at)];
  } else if (state.cardStatus === 'TEMP_LOST' && state.lossResolution === 'FOUND') {
    const first = steps[0];
    if (first && first.kind === 'TAP' && random.chance(0.3)) {
      // Found it at home but forgot to cancel the loss report: declined at the gate, then reactivated by phone.
      const foundAt = first.at + random.int(60, 180) * 1000;
      steps = [first, { kind: 'FOUND', at: foundAt }, { ...first, at: foundAt + 30_000 }, ...steps.slice(1).filter((s) => s.at > foundAt + 30_000)];
    } else {
      // Reactivated by phone before leaving home.
      const at = Math.min(builder.at(random.int(6 * HOUR + 30, 8 * HOUR)), (first?.at ?? Infinity) - 5 * 60_000);
      steps = [{ kind: 'FOUND', at }, ...steps];
    }
  }
  if (state.cardStatus === 'ACTIVE' && random.chance(LOSS_PER_DAY)) {
    const lostAt = builder.at(random.int(8 * HOUR, 21 * HOUR));
    const reportedAt = lostAt + random.int(20, 150) * 60_000;
    const resolution = random.chance(0.4) ? 'FOUND' : 'REPLACE';
    steps = [...steps.filter((s) => s.at < lostAt), { kind: 'REPORT_LOST', at: reportedAt, resolution }];
    if (state.places.city && random.chance(0.15)) {
      // Someone who found the card tries it at a gate.
      const station = random.pick(builder.catalog.stations(state.places.city));
      steps.push({ kind: 'TAP', at: reportedAt + random.int(10, 240) * 60_000, venueCode: station.code, action: 'ENTRY' });
    }
  }
  const end = day.startMs + 86_400_000;
  return steps.filter((s) => s.at < end).sort((a, b) => a.at - b.at);
}

function commuteDay(builder: DayBuilder, state: PlanState): number {
  const { person, places } = state;
  const peaks = PEAKS[places.city as TransitCity];
  const pupil = person.role === 'PUPIL';
  const out = builder.wave(pupil ? peaks.school : peaks.morning, 6 * HOUR, 10 * HOUR + 30);
  const back = builder.wave(pupil ? peaks.schoolOut : peaks.evening, Math.max(out + 6 * HOUR, 15 * HOUR + 30), 22 * HOUR + 30);
  builder.journey(person.commuteMode, places.homeStation, places.workStation, places.homeBus, places.workBus, out);
  return builder.journey(person.commuteMode, places.workStation, places.homeStation, places.workBus, places.homeBus, back);
}

function freeDay(builder: DayBuilder, state: PlanState, catalog: VenueCatalog): void {
  const { person, places, random } = state;
  const leisureChance = (builder.day.workingDay ? 0.015 : 0.05) * person.leisure;
  if (random.chance(leisureChance)) {
    const end = attractionVisit(builder, state, catalog);
    if (person.reader && places.library && random.chance(0.1)) libraryVisit(builder, state, catalog, end + 30);
    return;
  }
  if (person.reader && random.chance(builder.day.workingDay ? 0.07 : 0.18)) {
    libraryVisit(builder, state, catalog, null);
    return;
  }
  if (!places.city) return;
  const errands = person.role === 'RETIREE' || person.role === 'HOMEMAKER' ? 0.25 : builder.day.workingDay ? 0.05 : 0.3;
  if (random.chance(errands)) {
    const out = builder.wave(person.role === 'RETIREE' ? { center: 9 * HOUR + 45, sd: 50 } : { center: 12 * HOUR, sd: 80 }, 6 * HOUR + 30, 16 * HOUR);
    const stations = catalog.stations(places.city);
    const errand = stations.length > 0 ? random.pick(stations).code : undefined;
    const mode = random.chance(0.55) ? 'BUS' : 'METRO';
    const back = builder.wave({ center: out + 3 * HOUR, sd: 60 }, out + HOUR, 22 * HOUR);
    builder.journey(mode, places.homeStation, errand, places.homeBus, places.homeBus, out);
    builder.journey(mode, errand, places.homeStation, places.homeBus, places.homeBus, back);
  }
}

/** A museum or scenic spot: in town by metro, or out of town by coach (no transit taps). */
function attractionVisit(builder: DayBuilder, state: PlanState, catalog: VenueCatalog): number {
  const { person, places, random } = state;
  const region = person.region === 'OTHER' ? 'SICHUAN' : person.region;
  const inTown = places.city ? catalog.cityAttractions(places.city) : [];
  const outOfTown = catalog.outOfTownAttractions(region);
  const useTown = inTown.length > 0 && (outOfTown.length === 0 || random.chance(0.75));
  const choices = useTown ? inTown : outOfTown;
  if (choices.length === 0) return 12 * HOUR;
  const venue = pickOpen(random, catalog, choices, builder.day.weekday);
  const arrive = builder.wave({ center: 11 * HOUR + 15, sd: 65 }, 8 * HOUR + 40, 17 * HOUR + 10);
  let t = arrive;
  if (useTown && places.city) {
    const near = random.pick(catalog.stations(places.city)).code;
    const entered = builder.metroTrip(places.homeStation, near, arrive - 40);
    t = Math.max(entered + 10, arrive);
    builder.tap(t, venue.code, 'ENTRY');
    const leave = t + random.int(90, 200);
    return builder.metroTrip(near, places.homeStation, leave);
  }
  builder.tap(t, venue.code, 'ENTRY');
  return t + random.int(120, 300);
}

function libraryVisit(builder: DayBuilder, state: PlanState, catalog: VenueCatalog, after: number | null): void {
  const { places, random } = state;
  const library = places.library ?? (places.city ? random.pick(catalog.libraries(places.city)).code : undefined);
  if (!library) return;
  const start = after ?? builder.wave({ center: 15 * HOUR, sd: 150 }, 8 * HOUR + 30, 21 * HOUR + 15);
  builder.tap(start, library, 'ENTRY');
  let t = start + random.int(2, 10);
  for (const loan of state.loans) {
    if (random.chance(0.6)) continue;
    // Now and then a book from the family shelf, borrowed on someone else's card.
    const itemId = random.chance(0.04) ? `ISBN978${random.int(1_000_000, 9_999_999)}` : loan.itemId;
    builder.tap(t, library, 'RETURN', itemId);
    t += random.int(1, 3);
  }
  if (random.chance(0.02)) {
    builder.tap(t, library, 'RETURN', `ISBN978${random.int(1_000_000, 9_999_999)}`);
    t += 1;
  }
  const borrows = random.weighted([[0, 22], [1, 35], [2, 25], [3, 12], [random.int(6, 10), 3]] as const);
  t += random.int(20, 100);
  for (let i = 0; i < borrows; i++) {
    state.itemSequence += 1;
    builder.tap(t, library, 'BORROW', `ISBN978${state.person.id.slice(1)}${String(state.itemSequence).padStart(3, '0')}`);
    t += 1;
  }
}

/** A trip to the other big city (or into the big city from a smaller one), back the same day. */
function travelDay(builder: DayBuilder, state: PlanState, catalog: VenueCatalog): void {
  const { person, places, random } = state;
  const home = places.city;
  const destination: TransitCity = home
    ? home === 'CHENGDU'
      ? 'CHONGQING'
      : 'CHENGDU'
    : person.region === 'SICHUAN'
      ? random.chance(0.85) ? 'CHENGDU' : 'CHONGQING'
      : random.chance(0.85) ? 'CHONGQING' : 'CHENGDU';
  const stations = catalog.stations(destination);
  if (stations.length === 0) return;
  const arrivalStation = random.pick(railwayStations(catalog, destination));
  let arrive: number;
  if (home) {
    const homeRailway = random.pick(railwayStations(catalog, home));
    const atRailway = builder.metroTrip(places.homeStation, homeRailway, builder.wave({ center: 7 * HOUR + 40, sd: 40 }, 6 * HOUR + 15, 10 * HOUR));
    arrive = atRailway + random.int(85, 120);
  } else {
    arrive = builder.wave({ center: 10 * HOUR, sd: 50 }, 8 * HOUR, 13 * HOUR);
  }
  const business = random.pick(stations).code;
  let t = builder.metroTrip(arrivalStation, business, arrive + random.int(3, 12));
  if (random.chance(0.25)) {
    const lines = catalog.busLines(destination);
    if (lines.length > 0) t = builder.busRide(random.pick(lines).code, t + random.int(5, 60));
  }
  if (random.chance(0.35)) {
    const sights = catalog.cityAttractions(destination);
    if (sights.length > 0) {
      const visitAt = Math.min(Math.max(t + random.int(60, 180), 9 * HOUR + 30), 16 * HOUR + 30);
      builder.tap(visitAt, pickOpen(random, catalog, sights, builder.day.weekday).code, 'ENTRY');
      t = visitAt + random.int(60, 150);
    }
  }
  const leave = builder.wave({ center: 17 * HOUR + 30, sd: 60 }, Math.max(t + 30, 14 * HOUR), 21 * HOUR);
  const departStation = random.pick(railwayStations(catalog, destination));
  const atStation = builder.metroTrip(business, departStation, leave);
  if (home && places.homeStation) {
    builder.metroTrip(random.pick(railwayStations(catalog, home)), places.homeStation, atStation + random.int(95, 130));
  }
}

/** A visitor from another province trying their card at the sights of the city they stay in. */
function visitorDay(builder: DayBuilder, places: Places, catalog: VenueCatalog): void {
  const random = builder.random;
  if (!places.city || !random.chance(0.8)) return;
  const sights = catalog.cityAttractions(places.city);
  const stations = catalog.stations(places.city);
  if (sights.length === 0 || stations.length === 0) return;
  const hotel = places.homeStation ?? random.pick(stations).code;
  const near = random.pick(stations).code;
  const reached = builder.metroTrip(hotel, near, builder.wave({ center: 9 * HOUR + 30, sd: 40 }, 7 * HOUR + 30, 12 * HOUR));
  builder.tap(reached + random.int(10, 25), pickOpen(random, catalog, sights, builder.day.weekday).code, 'ENTRY');
  builder.metroTrip(near, hotel, reached + random.int(150, 300));
}

/** The metro stations at a city's railway stations, or any station if the whitelist has none of them. */
function railwayStations(catalog: VenueCatalog, city: TransitCity): string[] {
  const listed = RAILWAY_STATIONS[city].filter((code) => catalog.get(code));
  return listed.length > 0 ? listed : catalog.stations(city).map((s) => s.code);
}

/** Most people check the opening days; one in ten goes anyway. */
function pickOpen(random: Random, catalog: VenueCatalog, venues: CatalogVenue[], weekday: number): CatalogVenue {
  return random.weighted(venues.map((v) => [v, catalog.opensOn(v.code, weekday) ? 1 : 0.1] as const));
}

/** Builds one person's taps on one day; times are minutes after midnight (fractions allowed). */
class DayBuilder {
  private readonly steps: Step[] = [];

  constructor(
    readonly day: DayContext,
    readonly random: Random,
    readonly catalog: VenueCatalog,
  ) {}

  /** Epoch ms of a minute of the day, to the whole second. */
  at(minutes: number): number {
    return this.day.startMs + Math.round(minutes * 60) * 1000;
  }

  wave(wave: PeakWave, min: number, max: number): number {
    return this.random.normal(wave.center, wave.sd, min, Math.max(min, max));
  }

  tap(minutes: number, venueCode: string, action: TapAction, itemId?: string): void {
    this.steps.push({ kind: 'TAP', at: this.at(minutes), venueCode, action, ...(itemId ? { itemId } : {}) });
  }

  /** An ENTRY or RIDE, tapped twice by accident now and then (the second is a passback). */
  private gateTap(minutes: number, venueCode: string, action: 'ENTRY' | 'RIDE'): void {
    this.tap(minutes, venueCode, action);
    if (this.random.chance(0.01)) this.tap(minutes + this.random.int(2, 8) / 60, venueCode, action);
  }

  /** A metro ride; returns the minute of arrival. Some forget to tap in or out. */
  metroTrip(from: string | undefined, to: string | undefined, depart: number): number {
    if (!from || !to || from === to) return depart;
    const arrive = depart + this.catalog.rideMinutes(from, to, this.random);
    const forget = this.random.next();
    if (forget >= 0.003) this.gateTap(depart, from, 'ENTRY');
    if (forget < 0.003 || forget >= 0.007) this.tap(arrive, to, 'EXIT');
    return arrive;
  }

  /** A bus ride; returns the minute of arrival. */
  busRide(line: string | undefined, board: number): number {
    if (!line) return board;
    this.gateTap(board, line, 'RIDE');
    return board + this.random.int(8, 30);
  }

  /** Door to door by the person's mode: metro, bus (sometimes changing buses), or bus then metro. */
  journey(mode: string, fromStation: string | undefined, toStation: string | undefined, fromBus: string | undefined, toBus: string | undefined, depart: number): number {
    switch (mode) {
      case 'METRO':
        return this.metroTrip(fromStation, toStation, depart);
      case 'BUS': {
        const off = this.busRide(fromBus, depart);
        return this.random.chance(0.25) && toBus !== fromBus ? this.busRide(toBus, off + this.random.int(2, 10)) : off;
      }
      case 'BUS_METRO': {
        const off = this.busRide(fromBus, depart - 15);
        return this.metroTrip(fromStation, toStation, Math.max(depart, off + 3));
      }
      default:
        return depart;
    }
  }

  sorted(): Step[] {
    return [...this.steps].sort((a, b) => a.at - b.at);
  }
}
