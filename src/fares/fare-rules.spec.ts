import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  combineRegionFiles,
  loadFareRules,
  lowestFare,
  networkIn,
  regionOfNetwork,
  ruleSetOn,
  ruleSetsInForce,
  tableFareForDistance,
  validateRegionFile,
} from './fare-rules';

const rulesDir = join(__dirname, 'rules');
// The specs mutate parsed JSON at any depth to break one entry at a time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RawRules = Record<string, any>;
const readRaw = (file: string): RawRules => JSON.parse(readFileSync(join(rulesDir, file), 'utf8'));

describe('loadFareRules', () => {
  const rules = loadFareRules(rulesDir);

  it('loads every rule set of both regions with its period', () => {
    expect(rules.ruleSets.map((s) => [s.id, s.effectiveFrom, s.effectiveUntil])).toEqual([
      ['SICHUAN-2025-01-01', '2025-01-01', null],
      ['CHONGQING-2025-01-01', '2025-01-01', '2025-08-31'],
      ['CHONGQING-2025-09-01', '2025-09-01', null],
    ]);
  });

  it('finds the same rules from the default directory', () => {
    expect(loadFareRules()).toEqual(rules);
  });

  it('holds the seeded numbers of SPEC §5', () => {
    const chengdu = networkIn(ruleSetOn(rules, 'SICHUAN', '2025-03-04'), 'CHENGDU-METRO');
    expect(chengdu.bands.map((b) => [b.upToKm, b.fareFen])).toEqual([
      [4, 200], [8, 300], [12, 400], [18, 500], [24, 600], [32, 700], [40, 800], [50, 900],
    ]);
    expect(chengdu).toMatchObject({ beyond: { everyKm: 20, addFen: 100 }, capFen: null, highestFareFen: 1200, timeLimitMinutes: 240 });
    const chongqing = networkIn(ruleSetOn(rules, 'CHONGQING', '2025-03-04'), 'CHONGQING-RAIL');
    expect(chongqing.bands.map((b) => [b.upToKm, b.fareFen])).toEqual([
      [6, 200], [11, 300], [17, 400], [24, 500], [32, 600], [41, 700], [51, 800], [63, 900],
    ]);
    expect(chongqing).toMatchObject({ beyond: { fareFen: 1000 }, capFen: 700, highestFareFen: 700, timeLimitMinutes: 180 });
    expect(lowestFare(chengdu)).toBe(200);
    expect(regionOfNetwork(rules, 'CHONGQING-RAIL')).toBe('CHONGQING');
  });

  it('picks the rule set in force on a business day, and the earliest before any', () => {
    expect(ruleSetOn(rules, 'CHONGQING', '2025-08-31').id).toBe('CHONGQING-2025-01-01');
    expect(ruleSetOn(rules, 'CHONGQING', '2025-09-01').id).toBe('CHONGQING-2025-09-01');
    expect(ruleSetOn(rules, 'CHONGQING', '2024-12-31').id).toBe('CHONGQING-2025-01-01');
    expect(ruleSetsInForce(rules, '2025-09-01').map((s) => s.id)).toEqual(['SICHUAN-2025-01-01', 'CHONGQING-2025-09-01']);
    expect(ruleSetsInForce(rules, '2024-12-31')).toEqual([]);
  });

  it('returns rules that cannot be changed by accident', () => {
    const band = rules.ruleSets[0].networks[0].bands[0] as { fareFen: number };
    expect(() => {
      band.fareFen = 1;
    }).toThrow(TypeError);
  });

  it('names an unknown network when asked for it', () => {
    expect(() => regionOfNetwork(rules, 'XIAN-METRO')).toThrow('no fare rules for metro network XIAN-METRO');
  });

  describe('from a directory with a problem', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'fare-rules-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const write = (file: string, content: unknown): void =>
      writeFileSync(join(dir, file), typeof content === 'string' ? content : JSON.stringify(content));

    it('rejects a bad entry, naming the file and the JSON path', () => {
      const sichuan = readRaw('sichuan.json');
      sichuan.ruleSets[0].networks[0].bands[3].fareFen = -500;
      write('sichuan.json', sichuan);
      write('chongqing.json', readRaw('chongqing.json'));
      expect(() => loadFareRules(dir)).toThrow('sichuan.json: ruleSets[0].networks[0].bands[3].fareFen must be a positive integer');
    });

    it('rejects a file that is not JSON, naming it', () => {
      write('sichuan.json', readRaw('sichuan.json'));
      write('chongqing.json', '{"region": "CHONGQING",');
      expect(() => loadFareRules(dir)).toThrow(/^chongqing\.json: not valid JSON/);
    });

    it('rejects a missing region', () => {
      write('sichuan.json', readRaw('sichuan.json'));
      expect(() => loadFareRules(dir)).toThrow('no rules for CHONGQING');
    });

    it('rejects a network defined in two files', () => {
      const chongqing = readRaw('chongqing.json');
      for (const set of chongqing.ruleSets) {
        set.networks[0].network = 'CHENGDU-METRO';
        Object.assign(set, { concessions: [], transferRules: [], cardDiscounts: [] });
      }
      write('sichuan.json', readRaw('sichuan.json'));
      write('chongqing.json', chongqing);
      expect(() => loadFareRules(dir)).toThrow('sichuan.json: ruleSets[0].networks[0].network CHENGDU-METRO is already defined in chongqing.json');
    });

    it('rejects a directory that does not exist', () => {
      expect(() => loadFareRules(join(dir, 'missing'))).toThrow('cannot read the directory');
    });
  });
});

describe('validateRegionFile', () => {
  const expectRejected = (mutate: (raw: RawRules) => void, message: string, file = 'sichuan.json'): void => {
    const raw = readRaw(file);
    mutate(raw);
    expect(() => validateRegionFile(raw, file)).toThrow(message);
  };

  it.each([
    [(r: RawRules) => (r.ruleSets[0].networks[0].bands[3].fareFen = 500.5), 'ruleSets[0].networks[0].bands[3].fareFen must be a positive integer'],
    [(r: RawRules) => (r.ruleSets[0].networks[0].bands[2].upToKm = 8), "ruleSets[0].networks[0].bands[2].upToKm must be greater than the previous band's 8 km"],
    [(r: RawRules) => (r.ruleSets[0].networks[0].bands[0].upToKm = 4.05), 'ruleSets[0].networks[0].bands[0].upToKm must be a positive number of km with at most one decimal'],
    [(r: RawRules) => (r.ruleSets[0].networks[0].capfen = 700), 'ruleSets[0].networks[0].capfen is not a known field'],
    [(r: RawRules) => delete r.ruleSets[0].networks[0].highestFareFen, 'ruleSets[0].networks[0].highestFareFen is required'],
    [(r: RawRules) => (r.region = 'GUANGDONG'), 'region must be one of SICHUAN, CHONGQING'],
    [(r: RawRules) => (r.ruleSets[0].networks[0].beyond = { perKm: 5 }), 'ruleSets[0].networks[0].beyond must be {"everyKm", "addFen"} or {"fareFen"}'],
    [(r: RawRules) => (r.ruleSets[0].effectiveFrom = '2025-02-30'), 'ruleSets[0].effectiveFrom must be a date YYYY-MM-DD'],
    [(r: RawRules) => (r.ruleSets[0].concessions[0].excludedTimes[1].to = '17:00'), 'ruleSets[0].concessions[0].excludedTimes[1].to must be later than from (17:30)'],
    [(r: RawRules) => (r.ruleSets[0].concessions[0].excludedTimes[0].from = '7:30'), 'ruleSets[0].concessions[0].excludedTimes[0].from must be a time of day HH:MM'],
    [(r: RawRules) => (r.ruleSets[0].concessions[0].riderCategory = 'VETERAN'), 'ruleSets[0].concessions[0].riderCategory must be one of SENIOR, STUDENT'],
    [(r: RawRules) => (r.ruleSets[0].concessions[1].percentOff = 110), 'ruleSets[0].concessions[1].percentOff must be an integer percentage 0..100'],
    [(r: RawRules) => (r.ruleSets[0].cardDiscounts[1].legGroups = ['TRAM']), 'ruleSets[0].cardDiscounts[1].legGroups[0] must be one of BUS, CHENGDU-METRO'],
    [(r: RawRules) => (r.ruleSets[0].cardDiscounts[0].monthlyTiers[2].fromFen = 20000), "ruleSets[0].cardDiscounts[0].monthlyTiers[2].fromFen must be greater than the previous tier's 20000"],
    [(r: RawRules) => (r.ruleSets[0].cardDiscounts[0].monthlyTiers[0].fromFen = 100), 'ruleSets[0].cardDiscounts[0].monthlyTiers[0].fromFen must be 0'],
    [(r: RawRules) => r.ruleSets[0].networks.push({ ...r.ruleSets[0].networks[0] }), 'ruleSets[0].networks[1].network CHENGDU-METRO is defined twice'],
    [(r: RawRules) => (r.ruleSets = []), 'ruleSets must hold at least one rule set'],
  ])('rejects a bad value in sichuan.json, naming its JSON path (%#)', (mutate, message) => {
    expectRejected(mutate, `sichuan.json: ${message}`);
  });

  it.each([
    [(r: RawRules) => (r.ruleSets[0].networks[0].bands[5].fareFen = 550), "ruleSets[0].networks[0].bands[5].fareFen must not be lower than the previous band's 600"],
    [(r: RawRules) => (r.ruleSets[0].networks[0].beyond.fareFen = 800), "ruleSets[0].networks[0].beyond.fareFen must not be lower than the last band's 900"],
    [(r: RawRules) => (r.ruleSets[0].networks[0].capFen = 100), "ruleSets[0].networks[0].capFen must not be lower than the first band's 200"],
    [(r: RawRules) => (r.ruleSets[1].effectiveFrom = '2025-01-01'), "ruleSets[1].effectiveFrom must be later than the previous rule set's 2025-01-01"],
    [(r: RawRules) => (r.ruleSets[1].concessions[0].quota.per = 'WEEK'), 'ruleSets[1].concessions[0].quota.per must be one of MONTH, YEAR'],
    [(r: RawRules) => (r.ruleSets[1].transferRules[0].durationLimitType = 'FIRST_START'), 'ruleSets[1].transferRules[0].durationLimitType must be one of PREVIOUS_END_TO_CURRENT_START'],
    [(r: RawRules) => (r.ruleSets[1].transferRules[1].excludedRiderCategories = ['CHILD']), 'ruleSets[1].transferRules[1].excludedRiderCategories[0] must be one of SENIOR, STUDENT'],
    [(r: RawRules) => (r.ruleSets[0].transferRules[0].maxDiscountFen = 0), 'ruleSets[0].transferRules[0].maxDiscountFen must be a positive integer'],
    [
      (r: RawRules) => Object.assign(r.ruleSets[1], { networks: [{ ...r.ruleSets[1].networks[0], network: 'CQ-RAIL' }], concessions: [], transferRules: [], cardDiscounts: [] }),
      'ruleSets[1].networks must still price CHONGQING-RAIL, which ruleSets[0] prices',
    ],
  ])('rejects a bad value in chongqing.json, naming its JSON path (%#)', (mutate, message) => {
    expectRejected(mutate, `chongqing.json: ${message}`, 'chongqing.json');
  });

  it('rejects a file that is not an object', () => {
    expect(() => validateRegionFile([1, 2], 'sichuan.json')).toThrow('sichuan.json: must hold a JSON object');
  });

  it('lets two validated files be combined without touching the disk, each region once', () => {
    const sichuan = validateRegionFile(readRaw('sichuan.json'), 'a.json');
    const chongqing = validateRegionFile(readRaw('chongqing.json'), 'b.json');
    expect(combineRegionFiles([{ fileName: 'a.json', ruleSets: sichuan }, { fileName: 'b.json', ruleSets: chongqing }]).ruleSets).toHaveLength(3);
    expect(() => combineRegionFiles([{ fileName: 'a.json', ruleSets: sichuan }, { fileName: 'c.json', ruleSets: sichuan }])).toThrow(
      'c.json: region SICHUAN is already defined in a.json',
    );
  });
});

describe('tableFareForDistance', () => {
  const rules = loadFareRules(rulesDir);
  const chengdu = networkIn(ruleSetOn(rules, 'SICHUAN', '2025-03-04'), 'CHENGDU-METRO');
  const chongqing = networkIn(ruleSetOn(rules, 'CHONGQING', '2025-03-04'), 'CHONGQING-RAIL');

  it.each([
    [4, 200], [4.1, 300], [8, 300], [50, 900], [50.1, 1000], [70, 1000], [70.1, 1100], [90.1, 1200],
  ])('Chengdu %s km → %s fen (a distance on a band edge is in the lower band; +100 per started 20 km past 50)', (km, fen) => {
    expect(tableFareForDistance(chengdu, km)).toBe(fen);
  });

  it.each([[6, 200], [6.1, 300], [63, 900], [63.1, 1000]])('Chongqing %s km → %s fen before the cap', (km, fen) => {
    expect(tableFareForDistance(chongqing, km)).toBe(fen);
  });

  it('rejects a negative or non-finite distance', () => {
    expect(() => tableFareForDistance(chengdu, -0.1)).toThrow(RangeError);
    expect(() => tableFareForDistance(chengdu, Number.NaN)).toThrow(RangeError);
  });
});
