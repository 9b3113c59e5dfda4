import 'reflect-metadata';
import fc from 'fast-check';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import { TapBatchDto, TapDto, TapExportQuery, TapJournalQuery } from '../taps/dto/tap.dto';
import { ImportCardDto, IssueCardDto, TopUpDto, UpdateCardDto } from '../cards/dto/card.dto';
import { AdvanceClockDto, SetClockDto } from '../simulation/dto/simulation.dto';
import { CreateVenueDto } from '../venues/dto/venue.dto';
import { isPrototypeKey } from './input-safety';
import { validInstance } from './valid-instance';
import { validatePlain } from './validation';

/** Values of each field name: well-formed ones and near misses, so that generated inputs often pass. */
const SAMPLES: Record<string, unknown[]> = {
  tapId: ['GATE7-000123', 'a', 'x'.repeat(64), 'x'.repeat(65), '', 'has space', 'ünï'],
  cardNumber: ['T00000001', 'C12345678', 't00000001', 'T0000001', 'T000000011'],
  action: ['ENTRY', 'EXIT', 'RIDE', 'BORROW', 'RETURN', 'entry', 'FLY'],
  occurredAt: ['2025-03-01T08:15:00+08:00', '2025-03-01T08:15:00.123Z', '2024-02-29T23:59:59-05:30', '2025-02-29T08:15:00+08:00', '2025-03-01 08:15:00', '2025-03-01T08:15:00', '2025-13-01T08:15:00Z'],
  now: ['2025-03-01T08:15:00+08:00', '2025-03-01T08:15:00Z', '2025-02-30T08:15:00Z', 'yesterday'],
  venueCode: ['CD-M1-TFGC', 'CQ-BUS-0101', 'cd-m1', 'AB', 'A'.repeat(33)],
  itemId: ['ISBN9787020002207', 'b.1:2_3-4', '', 'x y'],
  taps: [[], [{}], Array.from({ length: 1000 }, () => ({})), Array.from({ length: 1001 }, () => 1), 'taps', { 0: {} }],
  ssn: ['11010519491231002X', '11010519491231002x', '110105194912310021', '110105194902300021', '1101051949123100'],
  name: ['张三', 'x'.repeat(50), '', 'x'.repeat(51)],
  issuerCode: ['510100', '500100', '51010', 'ABCDEF'],
  transportEnabled: [true, false, 'true'],
  validFrom: ['2025-01-01', '2024-02-29', '2025-02-29', '2025/01/01'],
  validUntil: ['2035-01-01', '2025-01-01', '2024-12-31', '2025-13-01'],
  concession: ['NONE', 'SENIOR', 'STUDENT', 'none'],
  topUpFen: [1, 5000, 100_000_000, 100_000_001, 0, 1.5, '5000'],
  amountFen: [1, 5000, 100_000_001, -1, 2.5],
  reference: ['ALIPAY-0001', '', 'a b'],
  status: ['ACTIVE', 'TEMP_LOST', 'LOST', 'CANCELLED', 'GONE'],
  seconds: [1, 7200, 0, 10 * 365 * 86400 + 1, 1.5],
  from: ['2025-03-01T00:00:00+08:00', '2025-03-01'],
  to: ['2025-03-02T00:00:00+08:00', 'tomorrow'],
  decision: ['APPROVED', 'DECLINED', 'MAYBE'],
  reason: ['CARD_LOST', 'NOPE'],
};

const junk = fc.oneof(fc.constant(null), fc.integer(), fc.boolean(), fc.string({ maxLength: 12 }), fc.constant([]), fc.constant({}));

/** Each field given nine times in ten, mostly one of its first two samples (well-formed), else a near miss or junk; now and then a key of no field. */
function plainOf(fields: string[]): fc.Arbitrary<Record<string, unknown>> {
  const value = (field: string) =>
    SAMPLES[field]
      ? fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...SAMPLES[field].slice(0, 2)) }, { weight: 3, arbitrary: fc.constantFrom(...SAMPLES[field]) }, { weight: 1, arbitrary: junk })
      : junk;
  const given = fc.tuple(...fields.map((f) => fc.option(value(f), { nil: undefined, freq: 10 })));
  const extra = fc.option(fc.constantFrom('extra', 'constructor', '0', 'limit'), { nil: undefined, freq: 8 });
  return fc.tuple(given, extra).map(([values, key]) => {
    const record: Record<string, unknown> = {};
    fields.forEach((f, i) => {
      if (values[i] !== undefined) record[f] = values[i];
    });
    if (key !== undefined) record[key] = 'x';
    return record;
  });
}

/** The DTOs drawn for, each with its fields as class-validator knows them. */
const CASES: Array<[string, new () => object, string[]]> = [TapDto, TapBatchDto, SetClockDto, AdvanceClockDto, IssueCardDto, ImportCardDto, UpdateCardDto, TopUpDto, TapExportQuery].map(
  (type) => [type.name, type, Object.keys(getMetadataStorage().groupByPropertyName(getMetadataStorage().getTargetValidationMetadatas(type, '', false, false)))],
);

const slowErrors = (type: new () => object, plain: object) => validateSync(plainToInstance(type, plain), { whitelist: true, forbidNonWhitelisted: true });

describe('validInstance: class-validator’s answer for inputs that pass', () => {
  it.each(CASES)('%s: an instance exactly when class-validator finds nothing, equal to class-transformer’s', (_name, type, fields) => {
    let passed = 0;
    fc.assert(
      fc.property(plainOf(fields), (plain) => {
        const quick = validInstance(type, plain);
        const errors = slowErrors(type, plain);
        // Sound: never an instance where class-validator finds a fault. Complete but for the
        // prototype names, which class-validator's whitelist finds on Object (the pipe refuses them first).
        if (quick === undefined) {
          if (!Object.keys(plain).some(isPrototypeKey)) expect(errors).not.toEqual([]);
        } else {
          passed++;
          expect(errors).toEqual([]);
          expect(quick).toBeInstanceOf(type);
          expect({ ...quick }).toEqual({ ...plainToInstance(type, plain) });
        }
      }),
      { numRuns: 500, seed: 7 },
    );
    // The generated inputs do reach the quick path.
    expect(passed).toBeGreaterThan(5);
  });

  it('keeps the batch’s items as they came: no copy of 1,000 taps', () => {
    const taps = Array.from({ length: 1000 }, (_, i) => ({ tapId: `T-${i}` }));
    expect(validInstance(TapBatchDto, { taps })?.taps).toBe(taps);
  });

  it('leaves to class-validator what it does not cover: transformed fields, nested rules, non-objects', () => {
    // PageQuery's limit is @QueryInteger (a @Transform); venues nest their opening hours.
    expect(validInstance(TapJournalQuery, { cardNumber: 'T00000001' })).toBeUndefined();
    expect(validInstance(CreateVenueDto, { code: 'CD-MUS-SC' })).toBeUndefined();
    for (const value of [null, 'x', 1, [], new Date()]) expect(validInstance(TapDto, value)).toBeUndefined();
    class Shaped {
      tapId = 'GATE7-1';
    }
    expect(validInstance(TapDto, Object.assign(new Shaped(), { cardNumber: 'T00000001', action: 'ENTRY', occurredAt: '2025-03-01T08:15:00+08:00' }))).toBeUndefined();
  });

  it('validatePlain answers the same field errors either way', () => {
    const good = { tapId: 'GATE7-1', cardNumber: 'T00000001', action: 'BORROW', occurredAt: '2025-03-01T08:15:00+08:00', itemId: 'ISBN-1' };
    expect(validatePlain(TapDto, good)).toEqual({ instance: Object.assign(new TapDto(), good), errors: [] });
    const { errors } = validatePlain(TapDto, { ...good, itemId: undefined, extra: 1 });
    expect(errors).toEqual([
      { field: 'extra', constraint: 'unknownField', message: 'extra is not a field of this endpoint' },
      { field: 'itemId', constraint: 'required', message: 'itemId is required' },
    ]);
  });
});
