import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { minutesOfClockTime } from './holiday-calendar';
import { CODE_FORM } from '../common/forms';

/**
 * Fare rules are data: one JSON file per region (`rules/sichuan.json`, `rules/chongqing.json`),
 * validated when loaded. Every number of the fare tables, transfer and concession rules lives
 * in those files; the code only knows how to read them.
 */

export type Region = 'SICHUAN' | 'CHONGQING';
export const REGIONS: readonly Region[] = ['SICHUAN', 'CHONGQING'];

export interface FareBand {
  /** Inclusive upper edge: a trip of exactly `upToKm` is in this band. */
  readonly upToKm: number;
  readonly fareFen: number;
}

/** Past the last band: either a step per started `everyKm`, or one flat fare. */
export type BeyondLastBand =
  | { readonly everyKm: number; readonly addFen: number }
  | { readonly fareFen: number };

export interface MetroNetworkRules {
  readonly network: string;
  readonly city: string;
  readonly bands: readonly FareBand[];
  readonly beyond: BeyondLastBand;
  /** Nothing above this is charged for one journey; null when the network has no cap. */
  readonly capFen: number | null;
  /** An exit later than entry + this is charged the network's highest fare. */
  readonly maxJourneyMinutes: number;
}

export interface BusRules {
  /** A ride within this many minutes of the previous approved bus ride in the same city may be free. */
  readonly transferWindowMinutes: number;
  /** Only a ride whose line fare is at most this is free; null for no limit. */
  readonly transferMaxFareFen: number | null;
  /** Only a ride whose line fare is at most the previous ride's line fare is free. */
  readonly transferRequiresFareNotAbovePrevious: boolean;
}

export interface TimeWindow {
  /** 'HH:MM', inclusive. */
  readonly from: string;
  /** 'HH:MM', exclusive. */
  readonly to: string;
}

export interface ConcessionRules {
  readonly seniorAge: number;
  /** Windows of working days in which seniors pay; empty when seniors ride free all day. */
  readonly seniorPeaks: readonly TimeWindow[];
}

export interface RegionFareRules {
  readonly region: Region;
  readonly cardDiscountPercent: number;
  readonly studentPercent: number;
  readonly metroNetworks: readonly MetroNetworkRules[];
  readonly bus: BusRules;
  readonly concessions: ConcessionRules;
}

export interface FareRules {
  readonly regions: Readonly<Record<Region, RegionFareRules>>;
}

export interface LocatedNetworkRules extends MetroNetworkRules {
  readonly region: Region;
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
    return { fileName, rules: validateFareRules(raw, fileName) };
  });
  return combineFareRules(files, dir);
}

function defaultRulesDirectory(): string {
  const candidates = [join(__dirname, 'rules'), resolve('src', 'fares', 'rules')];
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0];
}

/** Puts one validated file per region together; each region exactly once, each network once. */
export function combineFareRules(
  files: ReadonlyArray<{ readonly fileName: string; readonly rules: RegionFareRules }>,
  source = 'fare rules',
): FareRules {
  const regions: Partial<Record<Region, RegionFareRules>> = {};
  const networkFiles = new Map<string, string>();
  const regionFiles = new Map<Region, string>();
  for (const { fileName, rules } of files) {
    const earlier = regionFiles.get(rules.region);
    if (earlier) throw new Error(`${fileName}: region ${rules.region} is already defined in ${earlier}`);
    regionFiles.set(rules.region, fileName);
    rules.metroNetworks.forEach((network, index) => {
      const other = networkFiles.get(network.network);
      if (other) {
        throw new Error(`${fileName}: metroNetworks[${index}].network ${network.network} is already defined in ${other}`);
      }
      networkFiles.set(network.network, fileName);
    });
    regions[rules.region] = rules;
  }
  const missing = REGIONS.filter((region) => !regions[region]);
  if (missing.length > 0) throw new Error(`${source}: no rules for ${missing.join(', ')}`);
  return Object.freeze({ regions: Object.freeze(regions as Record<Region, RegionFareRules>) });
}

/** The rules of a metro network, with the region whose file defines it. */
export function networkRules(rules: FareRules, network: string): LocatedNetworkRules {
  for (const region of REGIONS) {
    const found = rules.regions[region].metroNetworks.find((candidate) => candidate.network === network);
    if (found) return { ...found, region };
  }
  throw new Error(`no fare rules for metro network ${network}`);
}

// ---------------------------------------------------------------------------------------------
// Fares of a network that follow from its table alone

/** Distances are judged to 0.1 km, so float noise such as 4.0000001 km never crosses a band edge. */
export function kmToTenths(km: number): number {
  if (!Number.isFinite(km) || km < 0) throw new RangeError(`a distance must be a finite number of km ≥ 0, got ${km}`);
  return Math.round(km * 10);
}

/** The table fare of a distance, before any cap. A distance exactly on a band edge is in the lower band. */
export function tableFareForDistance(network: MetroNetworkRules, km: number): number {
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

/** The fare after the network's cap. */
export function cappedFare(network: MetroNetworkRules, fareFen: number): number {
  return network.capFen === null ? fareFen : Math.min(fareFen, network.capFen);
}

/** The fare of the shortest trip: the first band (a cap is validated to be at least that). */
export function lowestFare(network: MetroNetworkRules): number {
  return cappedFare(network, network.bands[0].fareFen);
}

/**
 * The highest fare the network charges for one journey (the overtime and incomplete-journey fare).
 *
 * Choice: it is derived, never configured. When the rules have a natural maximum it is that —
 * the cap if there is one (Chongqing: 700), else the flat fare beyond the last band. When the
 * table is open-ended and uncapped (Chengdu: +100 per further 20 km, for ever), the maximum is
 * the fare of the longest trip that the current network allows, so `longestDistanceKm` (the
 * longest shortest path of the network graph, `MetroNetwork.maxDistanceKm`) must be given. A
 * configured number would drift from the network as stations are listed; the graph cannot.
 */
export function highestFare(network: MetroNetworkRules, longestDistanceKm?: number): number {
  const { beyond, capFen } = network;
  if (capFen !== null) return capFen;
  if (!('everyKm' in beyond)) return beyond.fareFen;
  if (longestDistanceKm === undefined) {
    throw new Error(`the highest fare of ${network.network} depends on its longest trip: pass longestDistanceKm`);
  }
  return tableFareForDistance(network, longestDistanceKm);
}

// ---------------------------------------------------------------------------------------------
// Validation

type Json = Record<string, unknown>;

class RuleFileError extends Error {}

/**
 * Validates the parsed contents of one region's file. Throws an Error whose message names the
 * file and the JSON path of the first bad entry, e.g.
 * `sichuan.json: metroNetworks[0].bands[3].fareFen must be a positive integer`.
 */
export function validateFareRules(raw: unknown, fileName: string): RegionFareRules {
  try {
    return deepFreeze(readRegion(raw));
  } catch (error) {
    if (error instanceof RuleFileError) throw new Error(`${fileName}: ${error.message}`);
    throw error;
  }
}

function readRegion(raw: unknown): RegionFareRules {
  const root = object(raw, '', ['region', 'cardDiscountPercent', 'studentPercent', 'metroNetworks', 'bus', 'concessions']);
  const region = root.region;
  if (region !== 'SICHUAN' && region !== 'CHONGQING') bad('region', `must be one of ${REGIONS.join(', ')}`);
  const metroNetworks = array(root.metroNetworks, 'metroNetworks').map((entry, index) =>
    readNetwork(entry, `metroNetworks[${index}]`),
  );
  metroNetworks.forEach((network, index) => {
    if (metroNetworks.findIndex((other) => other.network === network.network) !== index) {
      bad(`metroNetworks[${index}].network`, `${network.network} is defined twice`);
    }
  });
  return {
    region,
    cardDiscountPercent: percent(root.cardDiscountPercent, 'cardDiscountPercent'),
    studentPercent: percent(root.studentPercent, 'studentPercent'),
    metroNetworks,
    bus: readBus(root.bus, 'bus'),
    concessions: readConcessions(root.concessions, 'concessions'),
  };
}

function readNetwork(raw: unknown, path: string): MetroNetworkRules {
  const entry = object(raw, path, ['network', 'city', 'bands', 'beyond', 'capFen', 'maxJourneyMinutes'], ['capFen']);
  const network = entry.network;
  if (typeof network !== 'string' || !CODE_FORM.test(network)) {
    bad(`${path}.network`, 'must be a network code of 3–32 characters A-Z, 0-9 or -');
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
    if (band.upToKm <= previous.upToKm) {
      bad(`${path}.bands[${index}].upToKm`, `must be greater than the previous band's ${previous.upToKm} km`);
    }
    if (band.fareFen < previous.fareFen) {
      bad(`${path}.bands[${index}].fareFen`, `must not be lower than the previous band's ${previous.fareFen}`);
    }
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
  if (capFen !== null && capFen < bands[0].fareFen) {
    bad(`${path}.capFen`, `must not be lower than the first band's ${bands[0].fareFen}`);
  }
  return {
    network,
    city,
    bands,
    beyond,
    capFen,
    maxJourneyMinutes: positiveInteger(entry.maxJourneyMinutes, `${path}.maxJourneyMinutes`),
  };
}

function readBus(raw: unknown, path: string): BusRules {
  const entry = object(raw, path, ['transferWindowMinutes', 'transferMaxFareFen', 'transferRequiresFareNotAbovePrevious'], ['transferMaxFareFen']);
  const flag = entry.transferRequiresFareNotAbovePrevious;
  if (typeof flag !== 'boolean') bad(`${path}.transferRequiresFareNotAbovePrevious`, 'must be true or false');
  return {
    transferWindowMinutes: nonNegativeInteger(entry.transferWindowMinutes, `${path}.transferWindowMinutes`),
    transferMaxFareFen:
      entry.transferMaxFareFen === undefined || entry.transferMaxFareFen === null
        ? null
        : nonNegativeInteger(entry.transferMaxFareFen, `${path}.transferMaxFareFen`),
    transferRequiresFareNotAbovePrevious: flag,
  };
}

function readConcessions(raw: unknown, path: string): ConcessionRules {
  const entry = object(raw, path, ['seniorAge', 'seniorPeaks']);
  const seniorAge = positiveInteger(entry.seniorAge, `${path}.seniorAge`);
  if (seniorAge > 150) bad(`${path}.seniorAge`, 'must be an age in years (at most 150)');
  const seniorPeaks = array(entry.seniorPeaks, `${path}.seniorPeaks`).map((window, index) => {
    const windowPath = `${path}.seniorPeaks[${index}]`;
    const fields = object(window, windowPath, ['from', 'to']);
    const from = clockTime(fields.from, `${windowPath}.from`);
    const to = clockTime(fields.to, `${windowPath}.to`);
    if (minutesOfClockTime(to) <= minutesOfClockTime(from)) bad(`${windowPath}.to`, `must be later than from (${from})`);
    return { from, to };
  });
  return { seniorAge, seniorPeaks };
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

function positiveInteger(value: unknown, path: string): number {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) bad(path, 'must be a positive integer');
  return value as number;
}

function nonNegativeInteger(value: unknown, path: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) bad(path, 'must be an integer ≥ 0');
  return value as number;
}

function percent(value: unknown, path: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > 100) {
    bad(path, 'must be an integer percentage 0..100');
  }
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
