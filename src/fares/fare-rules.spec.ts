import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  combineFareRules,
  highestFare,
  loadFareRules,
  lowestFare,
  MetroNetworkRules,
  networkRules,
  tableFareForDistance,
  validateFareRules,
} from './fare-rules';

const rulesDir = join(__dirname, 'rules');
// The specs mutate parsed JSON at any depth to break one entry at a time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RawRules = Record<string, any>;
const readRaw = (file: string): RawRules => JSON.parse(readFileSync(join(rulesDir, file), 'utf8'));

describe('loadFareRules', () => {
  const rules = loadFareRules(rulesDir);

  it('loads both regions with their networks', () => {
    expect(rules.regions.SICHUAN.metroNetworks.map((n) => n.network)).toEqual(['CHENGDU-METRO']);
    expect(rules.regions.CHONGQING.metroNetworks.map((n) => n.network)).toEqual(['CHONGQING-RAIL']);
  });

  it('finds the same rules from the default directory', () => {
    expect(loadFareRules()).toEqual(rules);
  });

  it('holds the seeded numbers of SPEC §5', () => {
    const chengdu = networkRules(rules, 'CHENGDU-METRO');
    expect(chengdu.region).toBe('SICHUAN');
    expect(chengdu.bands.map((b) => [b.upToKm, b.fareFen])).toEqual([
      [4, 200], [8, 300], [12, 400], [18, 500], [24, 600], [32, 700], [40, 800], [50, 900],
    ]);
    expect(chengdu.beyond).toEqual({ everyKm: 20, addFen: 100 });
    expect(chengdu.capFen).toBeNull();
    expect(chengdu.maxJourneyMinutes).toBe(240);

    const chongqing = networkRules(rules, 'CHONGQING-RAIL');
    expect(chongqing.bands.map((b) => [b.upToKm, b.fareFen])).toEqual([
      [6, 200], [11, 300], [17, 400], [24, 500], [32, 600], [41, 700], [51, 800], [63, 900],
    ]);
    expect(chongqing.beyond).toEqual({ fareFen: 1000 });
    expect(chongqing.capFen).toBe(700);
    expect(chongqing.maxJourneyMinutes).toBe(180);

    expect(rules.regions.SICHUAN.bus).toEqual({
      transferWindowMinutes: 120, transferMaxFareFen: null, transferRequiresFareNotAbovePrevious: false,
    });
    expect(rules.regions.CHONGQING.bus).toEqual({
      transferWindowMinutes: 60, transferMaxFareFen: 200, transferRequiresFareNotAbovePrevious: true,
    });
    expect(rules.regions.SICHUAN.concessions).toEqual({
      seniorAge: 70, seniorPeaks: [{ from: '07:30', to: '09:00' }, { from: '17:30', to: '19:00' }],
    });
    expect(rules.regions.CHONGQING.concessions).toEqual({ seniorAge: 65, seniorPeaks: [] });
    for (const region of ['SICHUAN', 'CHONGQING'] as const) {
      expect(rules.regions[region].cardDiscountPercent).toBe(10);
      expect(rules.regions[region].studentPercent).toBe(50);
    }
  });

  it('returns rules that cannot be changed by accident', () => {
    const band = rules.regions.SICHUAN.metroNetworks[0].bands[0] as { fareFen: number };
    expect(() => {
      band.fareFen = 1;
    }).toThrow(TypeError);
  });

  it('names an unknown network when asked for it', () => {
    expect(() => networkRules(rules, 'XIAN-METRO')).toThrow('no fare rules for metro network XIAN-METRO');
  });

  describe('from a directory with a problem', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'fare-rules-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const write = (file: string, content: unknown): void =>
      writeFileSync(join(dir, file), typeof content === 'string' ? content : JSON.stringify(content));

    it('rejects a bad entry, naming the file and the entry', () => {
      const sichuan = readRaw('sichuan.json');
      sichuan.metroNetworks[0].bands[3].fareFen = -500;
      write('sichuan.json', sichuan);
      write('chongqing.json', readRaw('chongqing.json'));
      expect(() => loadFareRules(dir)).toThrow('sichuan.json: metroNetworks[0].bands[3].fareFen must be a positive integer');
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
      // Files are read in name order, so the later sichuan.json is the one named as the duplicate.
      const chongqing = readRaw('chongqing.json');
      chongqing.metroNetworks[0].network = 'CHENGDU-METRO';
      write('sichuan.json', readRaw('sichuan.json'));
      write('chongqing.json', chongqing);
      expect(() => loadFareRules(dir)).toThrow(
        'sichuan.json: metroNetworks[0].network CHENGDU-METRO is already defined in chongqing.json',
      );
    });

    it('rejects a directory that does not exist', () => {
      expect(() => loadFareRules(join(dir, 'missing'))).toThrow('cannot read the directory');
    });
  });
});

describe('validateFareRules', () => {
  const expectRejected = (mutate: (raw: RawRules) => void, message: string, file = 'sichuan.json'): void => {
    const raw = readRaw(file);
    mutate(raw);
    expect(() => validateFareRules(raw, file)).toThrow(message);
  };

  it('accepts the seeded files', () => {
    expect(validateFareRules(readRaw('sichuan.json'), 'sichuan.json').region).toBe('SICHUAN');
    expect(validateFareRules(readRaw('chongqing.json'), 'chongqing.json').region).toBe('CHONGQING');
  });

  it('rejects a fare that is not a positive integer, e.g. a float', () => {
    expectRejected((raw) => (raw.metroNetworks[0].bands[3].fareFen = 500.5), 'sichuan.json: metroNetworks[0].bands[3].fareFen must be a positive integer');
  });

  it('rejects bands that are not strictly increasing in km', () => {
    expectRejected(
      (raw) => (raw.metroNetworks[0].bands[2].upToKm = 8),
      'sichuan.json: metroNetworks[0].bands[2].upToKm must be greater than the previous band\'s 8 km',
    );
  });

  it('rejects a band cheaper than the one before it', () => {
    expectRejected(
      (raw) => (raw.metroNetworks[0].bands[5].fareFen = 550),
      "chongqing.json: metroNetworks[0].bands[5].fareFen must not be lower than the previous band's 600",
      'chongqing.json',
    );
  });

  it('rejects a band edge finer than 0.1 km, since distances are judged to 0.1 km', () => {
    expectRejected((raw) => (raw.metroNetworks[0].bands[0].upToKm = 4.05), 'metroNetworks[0].bands[0].upToKm must be a positive number of km with at most one decimal');
  });

  it('rejects an unknown field, so a typo cannot silently drop a rule', () => {
    expectRejected((raw) => (raw.metroNetworks[0].capfen = 700), 'sichuan.json: metroNetworks[0].capfen is not a known field');
  });

  it('rejects a missing required field', () => {
    expectRejected((raw) => delete raw.bus.transferWindowMinutes, 'sichuan.json: bus.transferWindowMinutes is required');
  });

  it('rejects an unknown region', () => {
    expectRejected((raw) => (raw.region = 'GUANGDONG'), 'sichuan.json: region must be one of SICHUAN, CHONGQING');
  });

  it('rejects a rule beyond the last band of neither shape', () => {
    expectRejected((raw) => (raw.metroNetworks[0].beyond = { perKm: 5 }), 'sichuan.json: metroNetworks[0].beyond must be {"everyKm", "addFen"} or {"fareFen"}');
  });

  it('rejects a flat fare beyond the last band that is cheaper than the last band', () => {
    expectRejected(
      (raw) => (raw.metroNetworks[0].beyond.fareFen = 800),
      "chongqing.json: metroNetworks[0].beyond.fareFen must not be lower than the last band's 900",
      'chongqing.json',
    );
  });

  it('rejects a cap below the lowest fare', () => {
    expectRejected((raw) => (raw.metroNetworks[0].capFen = 100), "chongqing.json: metroNetworks[0].capFen must not be lower than the first band's 200", 'chongqing.json');
  });

  it('rejects a peak that ends before it starts, or a malformed time', () => {
    expectRejected((raw) => (raw.concessions.seniorPeaks[1].to = '17:00'), 'sichuan.json: concessions.seniorPeaks[1].to must be later than from (17:30)');
    expectRejected((raw) => (raw.concessions.seniorPeaks[0].from = '7:30'), 'sichuan.json: concessions.seniorPeaks[0].from must be a time of day HH:MM');
  });

  it('rejects a percentage outside 0..100', () => {
    expectRejected((raw) => (raw.cardDiscountPercent = 110), 'sichuan.json: cardDiscountPercent must be an integer percentage 0..100');
  });

  it('rejects a network defined twice in one file', () => {
    expectRejected(
      (raw) => raw.metroNetworks.push({ ...raw.metroNetworks[0] }),
      'sichuan.json: metroNetworks[1].network CHENGDU-METRO is defined twice',
    );
  });

  it('rejects a file that is not an object', () => {
    expect(() => validateFareRules([1, 2], 'sichuan.json')).toThrow('sichuan.json: must hold a JSON object');
  });

  it('accepts a network without a cap field as uncapped', () => {
    const raw = readRaw('sichuan.json');
    delete raw.metroNetworks[0].capFen;
    expect(validateFareRules(raw, 'sichuan.json').metroNetworks[0].capFen).toBeNull();
  });

  it('lets two validated files be combined without touching the disk', () => {
    const combined = combineFareRules([
      { fileName: 'a.json', rules: validateFareRules(readRaw('sichuan.json'), 'a.json') },
      { fileName: 'b.json', rules: validateFareRules(readRaw('chongqing.json'), 'b.json') },
    ]);
    expect(Object.keys(combined.regions).sort()).toEqual(['CHONGQING', 'SICHUAN']);
    expect(() =>
      combineFareRules([
        { fileName: 'a.json', rules: validateFareRules(readRaw('sichuan.json'), 'a.json') },
        { fileName: 'c.json', rules: validateFareRules(readRaw('sichuan.json'), 'c.json') },
      ]),
    ).toThrow('c.json: region SICHUAN is already defined in a.json');
  });
});

describe('lowest and highest fare of a network', () => {
  const rules = loadFareRules(rulesDir);
  const chengdu = networkRules(rules, 'CHENGDU-METRO');
  const chongqing = networkRules(rules, 'CHONGQING-RAIL');

  it('takes the lowest fare from the first band', () => {
    expect(lowestFare(chengdu)).toBe(200);
    expect(lowestFare(chongqing)).toBe(200);
  });

  it('takes the highest fare of a capped network from its cap', () => {
    expect(highestFare(chongqing)).toBe(700);
    expect(highestFare(chongqing, 5)).toBe(700);
  });

  it('takes the highest fare of an open-ended network from its longest trip', () => {
    expect(highestFare(chengdu, 38.2)).toBe(800);
    expect(highestFare(chengdu, 61.3)).toBe(1000);
    expect(highestFare(chengdu, 70.1)).toBe(1100);
  });

  it('refuses to guess the highest fare of an open-ended network without its longest trip', () => {
    expect(() => highestFare(chengdu)).toThrow('pass longestDistanceKm');
  });

  it('takes the highest fare of an uncapped network with a flat fare beyond its bands from that fare', () => {
    const flat: MetroNetworkRules = { ...chongqing, capFen: null };
    expect(highestFare(flat)).toBe(1000);
  });

  it('rejects a negative or non-finite distance', () => {
    expect(() => tableFareForDistance(chengdu, -0.1)).toThrow(RangeError);
    expect(() => tableFareForDistance(chengdu, Number.NaN)).toThrow(RangeError);
  });
});
