import type { FieldError } from '../common/errors';
import { networksOfRegion, seededFareRules } from '../fares/fare-rules';
import type { TapAction } from '../taps/tap.entity';
import type { OpeningHoursRule, VenueType } from './venue.entity';

/** Actions each venue type accepts. */
export const ACTIONS_BY_TYPE: Record<VenueType, TapAction[]> = {
  METRO_STATION: ['ENTRY', 'EXIT'],
  BUS_LINE: ['RIDE'],
  LIBRARY: ['ENTRY', 'BORROW', 'RETURN'],
  MUSEUM: ['ENTRY'],
  SCENIC_SPOT: ['ENTRY'],
};

export const DEFAULT_BORROW_LIMIT = 8;

type StoredTypeFields = {
  [K in 'listedUntil' | 'openingHours' | 'dailyCapacity' | 'borrowLimit' | 'entryFeeFen' | 'fareFen' | 'network' | 'line' | 'km']-?: Exclude<
    VenueShape[K],
    undefined
  >;
};

/**
 * A venue's stored form of its optional fields: absent ones are null, the documented defaults
 * (borrowLimit, entryFeeFen) written out so a venue reads back as it behaves, and opening hours
 * in one key order. An import compares and writes this form, so an identical row is unchanged.
 */
export function storedVenueFields<T extends Partial<VenueShape>>(venue: T): T & StoredTypeFields {
  const present = Object.fromEntries(Object.entries(venue).filter(([, v]) => v !== undefined)) as T;
  const stored: T & StoredTypeFields = {
    listedUntil: null,
    dailyCapacity: null,
    borrowLimit: null,
    entryFeeFen: null,
    fareFen: null,
    network: null,
    line: null,
    km: null,
    ...present,
    openingHours: venue.openingHours ? venue.openingHours.map(({ days, open, close }) => ({ days: [...days], open, close })) : null,
  };
  if (venue.type === 'LIBRARY' && stored.borrowLimit == null) stored.borrowLimit = DEFAULT_BORROW_LIMIT;
  if (venue.type === 'SCENIC_SPOT' && stored.entryFeeFen == null) stored.entryFeeFen = 0;
  return stored;
}

/** Fields that belong to one venue type only. */
const TYPE_FIELDS = ['dailyCapacity', 'borrowLimit', 'entryFeeFen', 'fareFen', 'network', 'line', 'km'] as const;
type TypeField = (typeof TYPE_FIELDS)[number];
const FIELDS_OF_TYPE: Record<VenueType, { required: TypeField[]; optional: TypeField[] }> = {
  METRO_STATION: { required: ['network', 'line', 'km'], optional: [] },
  BUS_LINE: { required: ['fareFen'], optional: [] },
  LIBRARY: { required: [], optional: ['borrowLimit'] },
  MUSEUM: { required: [], optional: ['dailyCapacity'] },
  SCENIC_SPOT: { required: [], optional: ['dailyCapacity', 'entryFeeFen'] },
};

export interface VenueShape {
  type: VenueType;
  region: string;
  cityCode: string;
  listedFrom: string;
  listedUntil?: string | null;
  openingHours?: OpeningHoursRule[] | null;
  dailyCapacity?: number | null;
  borrowLimit?: number | null;
  entryFeeFen?: number | null;
  fareFen?: number | null;
  network?: string | null;
  line?: string | null;
  km?: number | null;
}

const REGION_PREFIX: Record<string, string> = { SICHUAN: '51', CHONGQING: '50' };

/**
 * Rules across fields, checked on the whole venue after the per-field shapes: the city code
 * matches the region, per-type fields appear only on their type, the listing period is ordered,
 * opening hours are well-formed.
 */
export function venueFieldErrors(venue: VenueShape): FieldError[] {
  const errors: FieldError[] = [];
  const prefix = REGION_PREFIX[venue.region];
  if (prefix && !venue.cityCode.startsWith(prefix)) {
    errors.push({ field: 'cityCode', constraint: 'regionPrefix', message: `cityCode of a ${venue.region} venue must start with ${prefix}` });
  }
  const allowed = FIELDS_OF_TYPE[venue.type];
  for (const field of TYPE_FIELDS) {
    const present = venue[field] !== undefined && venue[field] !== null;
    if (allowed.required.includes(field) && !present) {
      errors.push({ field, constraint: 'required', message: `${field} is required for ${venue.type}` });
    } else if (present && !allowed.required.includes(field) && !allowed.optional.includes(field)) {
      errors.push({ field, constraint: 'notApplicable', message: `${field} does not apply to ${venue.type}` });
    }
  }
  if (venue.type === 'METRO_STATION' && typeof venue.network === 'string') {
    const networks = networksOfRegion(seededFareRules(), venue.region);
    if (!networks.includes(venue.network)) {
      const allowed = networks.length > 0 ? `one of ${networks.join(', ')}` : 'a network of the fare rules';
      errors.push({ field: 'network', constraint: 'enum', message: `network of a ${venue.region} station must be ${allowed} (the networks the fare rules price)` });
    }
  }
  if (venue.listedUntil && venue.listedUntil < venue.listedFrom) {
    errors.push({ field: 'listedUntil', constraint: 'dateOrder', message: 'listedUntil must not be before listedFrom' });
  }
  venue.openingHours?.forEach((rule, i) => {
    if (rule.open === rule.close) {
      errors.push({ field: `openingHours[${i}].close`, constraint: 'emptyPeriod', message: 'close must differ from open' });
    }
    if (new Set(rule.days).size !== rule.days.length) {
      errors.push({ field: `openingHours[${i}].days`, constraint: 'duplicateValue', message: 'days must not repeat' });
    }
  });
  return errors;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether a venue is open at a local minute of a weekday (1 = Monday). A rule whose close is not
 * after its open runs past midnight into the next day: `{days:[5], open:"18:00", close:"02:00"}`
 * is open Friday 18:00 to Saturday 02:00. Absent hours mean always open.
 */
export function isOpenAt(hours: OpeningHoursRule[] | null | undefined, weekday: number, minuteOfDay: number): boolean {
  if (!hours || hours.length === 0) return true;
  const previousDay = weekday === 1 ? 7 : weekday - 1;
  return hours.some((rule) => {
    const open = minutes(rule.open);
    const close = minutes(rule.close);
    if (close > open) return rule.days.includes(weekday) && minuteOfDay >= open && minuteOfDay < close;
    return (rule.days.includes(weekday) && minuteOfDay >= open) || (rule.days.includes(previousDay) && minuteOfDay < close);
  });
}
