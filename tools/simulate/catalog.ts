import { cityGroupOf, Group, SchemeRegion, TransitCity, transitCityOf } from './geography';
import { Random } from './prng';

export type VenueType = 'METRO_STATION' | 'BUS_LINE' | 'LIBRARY' | 'MUSEUM' | 'SCENIC_SPOT';

/** A venue of the whitelist as the runner needs it (the fields of `GET /whitelist`). */
export interface CatalogVenue {
  code: string;
  name: string;
  type: VenueType;
  region: SchemeRegion;
  cityCode: string;
  network?: string;
  line?: string;
  km?: number;
  entryFeeFen?: number;
  openingHours?: { days: number[]; open: string; close: string }[];
}

/** How an offline terminal uploads: every `periodMinutes`, at minute `offset` of each period. */
export interface UploadSchedule {
  periodMinutes: number;
  offset: number;
}

/**
 * The whitelist, indexed for planning days: stations, bus lines, libraries and attractions by
 * city, and which terminals work offline. Bus validators upload every half hour (they ride
 * without a reliable connection); turnstiles at scenic spots out of town upload hourly.
 */
export class VenueCatalog {
  private readonly byCode = new Map<string, CatalogVenue & { group: Group }>();

  constructor(venues: readonly CatalogVenue[]) {
    for (const venue of [...venues].sort((a, b) => a.code.localeCompare(b.code))) {
      this.byCode.set(venue.code, { ...venue, group: cityGroupOf(venue.cityCode) });
    }
  }

  get(code: string): (CatalogVenue & { group: Group }) | undefined {
    return this.byCode.get(code);
  }

  all(): (CatalogVenue & { group: Group })[] {
    return [...this.byCode.values()];
  }

  private where(test: (venue: CatalogVenue & { group: Group }) => boolean): CatalogVenue[] {
    return this.all().filter(test);
  }

  stations(city: TransitCity): CatalogVenue[] {
    return this.where((v) => v.type === 'METRO_STATION' && transitCityOf(v.group) === city);
  }

  busLines(city: TransitCity): CatalogVenue[] {
    return this.where((v) => v.type === 'BUS_LINE' && transitCityOf(v.group) === city);
  }

  libraries(city: TransitCity): CatalogVenue[] {
    return this.where((v) => v.type === 'LIBRARY' && transitCityOf(v.group) === city);
  }

  /** Museums and scenic spots in the city, reached by metro. */
  cityAttractions(city: TransitCity): CatalogVenue[] {
    return this.where((v) => (v.type === 'MUSEUM' || v.type === 'SCENIC_SPOT') && transitCityOf(v.group) === city);
  }

  /** Scenic spots and museums of a region outside its big city, reached by coach or car. */
  outOfTownAttractions(region: SchemeRegion): CatalogVenue[] {
    return this.where((v) => (v.type === 'MUSEUM' || v.type === 'SCENIC_SPOT') && v.region === region && transitCityOf(v.group) === null);
  }

  isOffline(code: string): boolean {
    return this.uploadSchedule(code) !== null;
  }

  uploadSchedule(code: string): UploadSchedule | null {
    const venue = this.byCode.get(code);
    if (!venue) return null;
    const periodMinutes = venue.type === 'BUS_LINE' ? 30 : venue.type === 'SCENIC_SPOT' && transitCityOf(venue.group) === null ? 60 : 0;
    if (periodMinutes === 0) return null;
    return { periodMinutes, offset: Random.of('upload', code).int(0, periodMinutes - 1) };
  }

  offlineCodes(): string[] {
    return this.all()
      .filter((v) => this.isOffline(v.code))
      .map((v) => v.code);
  }

  /** Whether the venue's published hours include a weekday (1 = Monday); always open without hours. */
  opensOn(code: string, weekday: number): boolean {
    const hours = this.byCode.get(code)?.openingHours;
    return !hours || hours.some((rule) => rule.days.includes(weekday));
  }

  /** Rough minutes of a metro ride between two stations (the service prices the real distance). */
  rideMinutes(from: string, to: string, random: Random): number {
    const a = this.byCode.get(from);
    const b = this.byCode.get(to);
    if (a?.line !== undefined && a.line === b?.line && a.km !== undefined && b.km !== undefined) {
      return Math.round(4 + Math.abs(a.km - b.km) * 2.2 + random.int(0, 4));
    }
    return random.int(18, 45);
  }
}
