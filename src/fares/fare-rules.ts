import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isRealDate } from '../common/time';
import { minutesOfClockTime } from './holiday-calendar';
import { CODE_FORM } from '../common/forms';

/**
 * Fare rules are data: one JSON file per region (`rules/sichuan.json`, `rules/chongqing.json`),
 * each a list of dated **rule sets**, validated when loaded. The words follow GTFS Fares v2
 * where they fit: a ride is a *leg* of a *leg group* (a metro network's code, or `BUS` for the
 * region's buses), concessions are by *rider category*, transfer rules join a `fromLegGroups`
 * leg to a `toLegGroups` leg within a `durationLimitMinutes`. A city that changes a fare adds a
 * rule set with a later `effectiveFrom`; the code only knows how to read the rules.
 */

export type Region = 'SICHUAN' | 'CHONGQING';
export const REGIONS: readonly Region[] = ['SICHUAN', 'CHONGQING'];
export type RiderCategory = 'SENIOR' | 'STUDENT';
export const RIDER_CATEGORIES: readonly RiderCategory[] = ['SENIOR', 'STUDENT'];
/** The leg group of a region's buses; a metro leg's group is its network's code. */
export const BUS = 'BUS';

export interface FareBand {
  /** Inclusive upper edge: a trip of exactly `upToKm` is in this band. */
  readonly upToKm: number;
  readonly fareFen: number;
}

/** Past the last band: either a step per started `everyKm`, or one flat fare. */
export type BeyondLastBand = { readonly everyKm: number; readonly addFen: number } | { readonly fareFen: number };

export interface NetworkRules {
  readonly network: string;
  readonly city: string;
  readonly bands: readonly FareBand[];
  readonly beyond: BeyondLastBand;
  /** Nothing above this is charged for one ride by distance; null when the network has no cap. */
  readonly capFen: number | null;
  /** The network's maximum: what overtime surcharges, incomplete and unconnected journeys are charged. */
  readonly highestFareFen: number;
  /** An exit later than entry + this is overtime. */
  readonly timeLimitMinutes: number;
}

/** Hours of a kind of day, from `from` inclusive to `to` exclusive. */
export interface TimeWindow {
  readonly days: 'WORKING_DAYS' | 'ALL_DAYS';
  readonly from: string;
  readonly to: string;
}

export interface RideQuota {
  /** Names the counter: rides of different quotas never count against each other. */
  readonly id: string;
  readonly per: 'MONTH' | 'YEAR';
  readonly rides: number;
}

export interface ConcessionRule {
  readonly riderCategory: RiderCategory;
  /** SENIOR: from this age (whole years on the ride's business day). */
  readonly minAge: number | null;
  readonly legGroups: readonly string[];
  readonly percentOff: number;
  /** When the concession is not given (judged when the ride starts). */
  readonly excludedTimes: readonly TimeWindow[];
  readonly quota: RideQuota | null;
}

export interface TransferRule {
  readonly fromLegGroups: readonly string[];
  readonly toLegGroups: readonly string[];
  readonly durationLimitMinutes: number;
  /** Measured from the previous leg's end (a bus boarding, a metro exit) to this leg's start. */
  readonly durationLimitType: 'PREVIOUS_END_TO_CURRENT_START';
  /** Transfers in one chain: a leg that was a transfer starts no further one when this is 1. */
  readonly transferCount: number;
  /** The same bus line boarded again sooner than this is not a transfer. */
  readonly sameLineMinimumMinutes: number;
  /** The transfer leg is charged max(0, F − min(maxDiscountFen, P)), P the previous leg's base fare. */
  readonly maxDiscountFen: number;
  readonly excludedRiderCategories: readonly RiderCategory[];
}

export interface MonthlyTier {
  /** The tier holds from this month-to-date sum of base fares (inclusive) up to the next tier's. */
  readonly fromFen: number;
  readonly percentOff: number;
}

export type CardDiscountRule =
  | { readonly legGroups: readonly string[]; readonly cardRegions: readonly Region[] | null; readonly percentOff: number }
  | { readonly legGroups: readonly string[]; readonly cardRegions: readonly Region[] | null; readonly monthlyTiers: readonly MonthlyTier[] };

export interface RuleSet {
  /** `<REGION>-<effectiveFrom>`. */
  readonly id: string;
  readonly region: Region;
  readonly effectiveFrom: string;
  /** The day before the next set's `effectiveFrom`, or null for the latest. */
  readonly effectiveUntil: string | null;
  readonly networks: readonly NetworkRules[];
  readonly concessions: readonly ConcessionRule[];
  readonly transferRules: readonly TransferRule[];
  /** The first that matches the leg and the card applies. */
  readonly cardDiscounts: readonly CardDiscountRule[];
}

export interface FareRules {
  /** Every rule set, by region then `effectiveFrom`. */
  readonly ruleSets: readonly RuleSet[];
}

// ---------------------------------------------------------------------------------------------
// Looking rules up

/**
 * The rule set that prices a tap of a region on a business day: the one in force, or the region's
 * earliest for a day before all of them (a tap dated before the scheme's first rules).
 */
export function ruleSetOn(rules: FareRules, region: Region, day: string): RuleSet {
  const sets = rules.ruleSets.filter((set) => set.region === region);
  let found = sets[0];
  for (const set of sets) if (set.effectiveFrom <= day) found = set;
  return found;
}

/** The rule sets in force on a day: at most one per region, none for a day before a region's first set. */
export function ruleSetsInForce(rules: FareRules, day: string): RuleSet[] {
  return rules.ruleSets.filter((set) => set.effectiveFrom <= day && (set.effectiveUntil === null || day <= set.effectiveUntil));
}

/** The region whose rule sets define a metro network. */
export function regionOfNetwork(rules: FareRules, network: string): Region {
  const found = rules.ruleSets.find((set) => set.networks.some((n) => n.network === network));
  if (!found) throw new Error(`no fare rules for metro network ${network}`);
  return found.region;
}

export function networkIn(set: RuleSet, network: string): NetworkRules {
  const found = set.networks.find((n) => n.network === network);
  if (!found) throw new Error(`rule set ${set.id} has no metro network ${network}`);
  return found;
}

// ---------------------------------------------------------------------------------------------
// Fares of a network that follow from its table alone

/** Distances are judged to 0.1 km, so float noise such as 4.0000001 km never crosses a band edge. */
export function kmToTenths(km: number): number {
  if (!Number.isFinite(km) || km < 0) throw new RangeError(`a distance must be a finite number of km ≥ 0, got ${km}`);
  return Math.round(km * 10);
}

/** The table fare of a distance, before any cap. A distance exactly on a band edge is in the lower band. */
export function tableFareForDistance(network: NetworkRules, km: number): number {
  const tenths = kmToTenths(km);
  for (const band of network.bands) {
    if (tenths <= kmToTenths(band.upToKm)) return band.fareFen;
  }
  const last = network.bands[network.bands.length - 1];
  const { beyond } = network;
  if ('everyKm' in beyond) {
    const step = kmToTenths(beyond.everyKm);
    const startedSteps = Math.floor((tenths - kmToTenths(last.upToKm) + step - 1) / step);
    return last.fareFen + startedSteps * beyond.addFen;
  }
  return beyond.fareFen;
}

/** The fare of the shortest trip: the first band (a cap is validated to be at least that). */
export function lowestFare(network: NetworkRules): number {
  return network.bands[0].fareFen;
}

// ---------------------------------------------------------------------------------------------
// Loading

/**
 * Reads every `*.json` file of `dir` (by default the `rules` folder beside this module, or
 * `src/fares/rules` under the working directory when the build did not copy the assets), one
 * region per file, and validates them. Any bad entry throws, naming the file and its JSON path.
 */
export function loadFareRules(dir: string = defaultRulesDirectory()): FareRules {
  let fileNames: string[];
  try {
    fileNames = readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort();
  } catch (error) {
    throw new Error(`fare rules: cannot read the directory ${dir}: ${(error as Error).message}`);
  }
  const files = fileNames.map((fileName) => {
    const text = readFileSync(join(dir, fileName), 'utf8');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new Error(`${fileName}: not valid JSON: ${(error as Error).message}`);
    }
    return { fileName, ruleSets: validateRegionFile(raw, fileName) };
  });
  return combineRegionFiles(files, dir);
}

let seeded: FareRules | null = null;
/** The service's own rule files, loaded and validated once per process (they change only with a deployment). */
export function seededFareRules(): FareRules {
  seeded ??= loadFareRules();
  return seeded;
}

/** The metro networks a region's rule sets price. */
export function networksOfRegion(rules: FareRules, region: string): string[] {
  const names = rules.ruleSets.filter((set) => set.region === region).flatMap((set) => set.networks.map((n) => n.network));
  return [...new Set(names)];
}

function defaultRulesDirectory(): string {
  const candidates = [join(__dirname, 'rules'), resolve('src', 'fares', 'rules')];
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0];
}

/** Puts one validated file per region together; each region exactly once, each network in one region. */
export function combineRegionFiles(
  files: ReadonlyArray<{ readonly fileName: string; readonly ruleSets: readonly RuleSet[] }>,
  source = 'fare rules',
): FareRules {
  const regionFiles = new Map<Region, string>();
  const networkFiles = new Map<string, string>();
  const ruleSets: RuleSet[] = [];
  for (const { fileName, ruleSets: sets } of files) {
    const region = sets[0].region;
    const earlier = regionFiles.get(region);
    if (earlier) throw new Error(`${fileName}: region ${region} is already defined in ${earlier}`);
    regionFiles.set(region, fileName);
    sets.forEach((set, s) =>
      set.networks.forEach((network, n) => {
        const other = networkFiles.get(network.network);
        if (other && other !== fileName) {
          throw new Error(`${fileName}: ruleSets[${s}].networks[${n}].network ${network.network} is already defined in ${other}`);
        }
        networkFiles.set(network.network, fileName);
      }),
    );
    ruleSets.push(...sets);
  }
  const missing = REGIONS.filter((region) => !regionFiles.has(region));
  if (missing.length > 0) throw new Error(`${source}: no rules for ${missing.join(', ')}`);
  ruleSets.sort((a, b) => REGIONS.indexOf(a.region) - REGIONS.indexOf(b.region) || a.effectiveFrom.localeCompare(b.effectiveFrom));
  return deepFreeze({ ruleSets });
}

// ---------------------------------------------------------------------------------------------
// Validation

type Json = Record<string, unknown>;

class RuleFileError extends Error {}

/**
 * Validates the parsed contents of one region's file and returns its rule sets in date order.
 * Throws an Error whose message names the file and the JSON path of the first bad entry, e.g.
 * `sichuan.json: ruleSets[0].networks[0].bands[3].fareFen must be a positive integer`.
 */
export function validateRegionFile(raw: unknown, fileName: string): RuleSet[] {
  try {
    return readRegionFile(raw);
  } catch (error) {
    if (error instanceof RuleFileError) throw new Error(`${fileName}: ${error.message}`);
    throw error;
  }
}

function readRegionFile(raw: unknown): RuleSet[] {
  const root = object(raw, '', ['region', 'ruleSets']);
  const region = root.region;
  if (region !== 'SICHUAN' && region !== 'CHONGQING') bad('region', `must be one of ${REGIONS.join(', ')}`);
  const list = array(root.ruleSets, 'ruleSets');
  if (list.length === 0) bad('ruleSets', 'must hold at least one rule set');
  const parsed = list.map((entry, index) => readRuleSet(entry, `ruleSets[${index}]`, region));
  parsed.forEach((set, index) => {
    if (index === 0) return;
    const previous = parsed[index - 1];
    if (set.effectiveFrom <= previous.effectiveFrom) {
      bad(`ruleSets[${index}].effectiveFrom`, `must be later than the previous rule set's ${previous.effectiveFrom}`);
    }
    // A journey that starts under one set may end under the next: every network stays priced.
    const missing = previous.networks.find((n) => !set.networks.some((other) => other.network === n.network));
    if (missing) bad(`ruleSets[${index}].networks`, `must still price ${missing.network}, which ruleSets[${index - 1}] prices`);
  });
  return parsed.map((set, index) => ({
    ...set,
    effectiveUntil: index + 1 < parsed.length ? dayBefore(parsed[index + 1].effectiveFrom) : null,
  }));
}

function readRuleSet(raw: unknown, path: string, region: Region): RuleSet {
  const entry = object(raw, path, ['effectiveFrom', 'networks', 'concessions', 'transferRules', 'cardDiscounts']);
  const effectiveFrom = entry.effectiveFrom;
  if (typeof effectiveFrom !== 'string' || !isRealDate(effectiveFrom)) bad(`${path}.effectiveFrom`, 'must be a date YYYY-MM-DD');
  const networks = array(entry.networks, `${path}.networks`).map((n, i) => readNetwork(n, `${path}.networks[${i}]`));
  networks.forEach((network, index) => {
    if (networks.findIndex((other) => other.network === network.network) !== index) {
      bad(`${path}.networks[${index}].network`, `${network.network} is defined twice`);
    }
  });
  const legGroups = [BUS, ...networks.map((n) => n.network)];
  const concessions = array(entry.concessions, `${path}.concessions`).map((c, i) => readConcession(c, `${path}.concessions[${i}]`, legGroups));
  const transferRules = array(entry.transferRules, `${path}.transferRules`).map((t, i) => readTransferRule(t, `${path}.transferRules[${i}]`, legGroups));
  const cardDiscounts = array(entry.cardDiscounts, `${path}.cardDiscounts`).map((d, i) => readCardDiscount(d, `${path}.cardDiscounts[${i}]`, legGroups));
  return { id: `${region}-${effectiveFrom}`, region, effectiveFrom, effectiveUntil: null, networks, concessions, transferRules, cardDiscounts };
}

function readNetwork(raw: unknown, path: string): NetworkRules {
  const entry = object(raw, path, ['network', 'city', 'bands', 'beyond', 'capFen', 'highestFareFen', 'timeLimitMinutes'], ['capFen']);
  const network = entry.network;
  if (typeof network !== 'string' || !CODE_FORM.test(network) || network === BUS) {
    bad(`${path}.network`, `must be a network code of 3–32 characters A-Z, 0-9 or - (not ${BUS})`);
  }
  const city = entry.city;
  if (typeof city !== 'string' || city.trim() === '') bad(`${path}.city`, 'must be a non-empty string');

  const bandList = array(entry.bands, `${path}.bands`);
  if (bandList.length === 0) bad(`${path}.bands`, 'must hold at least one band');
  const bands = bandList.map((band, index) => {
    const bandPath = `${path}.bands[${index}]`;
    const fields = object(band, bandPath, ['upToKm', 'fareFen']);
    return { upToKm: kilometres(fields.upToKm, `${bandPath}.upToKm`), fareFen: positiveInteger(fields.fareFen, `${bandPath}.fareFen`) };
  });
  bands.forEach((band, index) => {
    if (index === 0) return;
    const previous = bands[index - 1];
    if (band.upToKm <= previous.upToKm) bad(`${path}.bands[${index}].upToKm`, `must be greater than the previous band's ${previous.upToKm} km`);
    if (band.fareFen < previous.fareFen) bad(`${path}.bands[${index}].fareFen`, `must not be lower than the previous band's ${previous.fareFen}`);
  });
  const lastFare = bands[bands.length - 1].fareFen;

  const beyondPath = `${path}.beyond`;
  let beyond: BeyondLastBand;
  if (isObject(entry.beyond) && 'everyKm' in entry.beyond) {
    const fields = object(entry.beyond, beyondPath, ['everyKm', 'addFen']);
    beyond = { everyKm: kilometres(fields.everyKm, `${beyondPath}.everyKm`), addFen: positiveInteger(fields.addFen, `${beyondPath}.addFen`) };
  } else if (isObject(entry.beyond) && 'fareFen' in entry.beyond) {
    const fields = object(entry.beyond, beyondPath, ['fareFen']);
    const fareFen = positiveInteger(fields.fareFen, `${beyondPath}.fareFen`);
    if (fareFen < lastFare) bad(`${beyondPath}.fareFen`, `must not be lower than the last band's ${lastFare}`);
    beyond = { fareFen };
  } else {
    bad(beyondPath, 'must be {"everyKm", "addFen"} or {"fareFen"}');
  }

  const capFen = entry.capFen === undefined || entry.capFen === null ? null : positiveInteger(entry.capFen, `${path}.capFen`);
  if (capFen !== null && capFen < bands[0].fareFen) bad(`${path}.capFen`, `must not be lower than the first band's ${bands[0].fareFen}`);
  const highestFareFen = positiveInteger(entry.highestFareFen, `${path}.highestFareFen`);
  if (highestFareFen < bands[0].fareFen) bad(`${path}.highestFareFen`, `must not be lower than the first band's ${bands[0].fareFen}`);
  return { network, city, bands, beyond, capFen, highestFareFen, timeLimitMinutes: positiveInteger(entry.timeLimitMinutes, `${path}.timeLimitMinutes`) };
}

function readConcession(raw: unknown, path: string, legGroups: string[]): ConcessionRule {
  const entry = object(raw, path, ['riderCategory', 'minAge', 'legGroups', 'percentOff', 'excludedTimes', 'quota'], ['minAge', 'quota']);
  const riderCategory = oneOf(entry.riderCategory, `${path}.riderCategory`, RIDER_CATEGORIES);
  let minAge: number | null = null;
  if (riderCategory === 'SENIOR') {
    minAge = positiveInteger(entry.minAge, `${path}.minAge`);
    if (minAge > 150) bad(`${path}.minAge`, 'must be an age in years (at most 150)');
  } else if (entry.minAge !== undefined) {
    bad(`${path}.minAge`, 'applies to SENIOR only');
  }
  const excludedTimes = array(entry.excludedTimes, `${path}.excludedTimes`).map((w, i) => readWindow(w, `${path}.excludedTimes[${i}]`));
  let quota: RideQuota | null = null;
  if (entry.quota !== undefined && entry.quota !== null) {
    const q = object(entry.quota, `${path}.quota`, ['id', 'per', 'rides']);
    if (typeof q.id !== 'string' || !/^[A-Z0-9-]{3,40}$/.test(q.id)) bad(`${path}.quota.id`, 'must be 3–40 characters A-Z, 0-9 or -');
    quota = { id: q.id, per: oneOf(q.per, `${path}.quota.per`, ['MONTH', 'YEAR'] as const), rides: positiveInteger(q.rides, `${path}.quota.rides`) };
  }
  return {
    riderCategory,
    minAge,
    legGroups: legGroupList(entry.legGroups, `${path}.legGroups`, legGroups),
    percentOff: percent(entry.percentOff, `${path}.percentOff`),
    excludedTimes,
    quota,
  };
}

function readTransferRule(raw: unknown, path: string, legGroups: string[]): TransferRule {
  const entry = object(raw, path, [
    'fromLegGroups', 'toLegGroups', 'durationLimitMinutes', 'durationLimitType', 'transferCount', 'sameLineMinimumMinutes', 'maxDiscountFen', 'excludedRiderCategories',
  ]);
  const excluded = array(entry.excludedRiderCategories, `${path}.excludedRiderCategories`).map((c, i) =>
    oneOf(c, `${path}.excludedRiderCategories[${i}]`, RIDER_CATEGORIES),
  );
  return {
    fromLegGroups: legGroupList(entry.fromLegGroups, `${path}.fromLegGroups`, legGroups),
    toLegGroups: legGroupList(entry.toLegGroups, `${path}.toLegGroups`, legGroups),
    durationLimitMinutes: positiveInteger(entry.durationLimitMinutes, `${path}.durationLimitMinutes`),
    durationLimitType: oneOf(entry.durationLimitType, `${path}.durationLimitType`, ['PREVIOUS_END_TO_CURRENT_START'] as const),
    transferCount: positiveInteger(entry.transferCount, `${path}.transferCount`),
    sameLineMinimumMinutes: nonNegativeInteger(entry.sameLineMinimumMinutes, `${path}.sameLineMinimumMinutes`),
    maxDiscountFen: positiveInteger(entry.maxDiscountFen, `${path}.maxDiscountFen`),
    excludedRiderCategories: excluded,
  };
}

function readCardDiscount(raw: unknown, path: string, legGroups: string[]): CardDiscountRule {
  const tiered = isObject(raw) && 'monthlyTiers' in raw;
  const entry = object(raw, path, ['legGroups', 'cardRegions', tiered ? 'monthlyTiers' : 'percentOff'], ['cardRegions']);
  const cardRegions =
    entry.cardRegions === undefined || entry.cardRegions === null
      ? null
      : array(entry.cardRegions, `${path}.cardRegions`).map((r, i) => oneOf(r, `${path}.cardRegions[${i}]`, REGIONS));
  const groups = legGroupList(entry.legGroups, `${path}.legGroups`, legGroups);
  if (!tiered) return { legGroups: groups, cardRegions, percentOff: percent(entry.percentOff, `${path}.percentOff`) };
  const tiers = array(entry.monthlyTiers, `${path}.monthlyTiers`).map((t, i) => {
    const tierPath = `${path}.monthlyTiers[${i}]`;
    const fields = object(t, tierPath, ['fromFen', 'percentOff']);
    return { fromFen: nonNegativeInteger(fields.fromFen, `${tierPath}.fromFen`), percentOff: percent(fields.percentOff, `${tierPath}.percentOff`) };
  });
  if (tiers.length === 0 || tiers[0].fromFen !== 0) bad(`${path}.monthlyTiers[0].fromFen`, 'must be 0: the first tier starts the month');
  tiers.forEach((tier, i) => {
    if (i > 0 && tier.fromFen <= tiers[i - 1].fromFen) bad(`${path}.monthlyTiers[${i}].fromFen`, `must be greater than the previous tier's ${tiers[i - 1].fromFen}`);
  });
  return { legGroups: groups, cardRegions, monthlyTiers: tiers };
}

function readWindow(raw: unknown, path: string): TimeWindow {
  const fields = object(raw, path, ['days', 'from', 'to']);
  const days = oneOf(fields.days, `${path}.days`, ['WORKING_DAYS', 'ALL_DAYS'] as const);
  const from = clockTime(fields.from, `${path}.from`);
  const to = clockTime(fields.to, `${path}.to`);
  if (minutesOfClockTime(to) <= minutesOfClockTime(from)) bad(`${path}.to`, `must be later than from (${from})`);
  return { days, from, to };
}

function legGroupList(value: unknown, path: string, known: string[]): string[] {
  const list = array(value, path);
  if (list.length === 0) bad(path, 'must name at least one leg group');
  return list.map((group, i) => {
    if (typeof group !== 'string' || !known.includes(group)) bad(`${path}[${i}]`, `must be one of ${known.join(', ')}`);
    return group;
  });
}

function dayBefore(day: string): string {
  const ms = Date.parse(`${day}T00:00:00Z`) - 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

function bad(path: string, message: string): never {
  throw new RuleFileError(`${path} ${message}`);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, path: string, known: readonly string[], optional: readonly string[] = []): Json {
  if (!isObject(value)) {
    if (path === '') throw new RuleFileError('must hold a JSON object');
    bad(path, 'must be an object');
  }
  const prefix = path === '' ? '' : `${path}.`;
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) bad(`${prefix}${key}`, 'is not a known field');
  }
  for (const key of known) {
    if (!(key in value) && !optional.includes(key)) bad(`${prefix}${key}`, 'is required');
  }
  return value;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) bad(path, 'must be an array');
  return value;
}

function oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) bad(path, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

function positiveInteger(value: unknown, path: string): number {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) bad(path, 'must be a positive integer');
  return value as number;
}

function nonNegativeInteger(value: unknown, path: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) bad(path, 'must be an integer ≥ 0');
  return value as number;
}

function percent(value: unknown, path: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > 100) bad(path, 'must be an integer percentage 0..100');
  return value as number;
}

function kilometres(value: unknown, path: string): number {
  // Distances are compared in tenths of a km, so an edge must be a whole number of tenths.
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || Math.abs(value * 10 - Math.round(value * 10)) > 1e-9) {
    bad(path, 'must be a positive number of km with at most one decimal');
  }
  return value;
}

function clockTime(value: unknown, path: string): string {
  if (typeof value !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) bad(path, 'must be a time of day HH:MM');
  return value;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
