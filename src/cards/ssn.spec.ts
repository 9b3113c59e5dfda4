import { checkSsn, hashSsn, makeSsn, maskSsn, ssnCheckCharacter } from './ssn';

/*
 * A Chengdu number worked by hand: 510104 (锦江区) 19900307 (born 7 March 1990) 123, then the check.
 *   digits  5  1  0  1  0  4  1  9  9  0  0  3  0  7  1  2  3
 *   weights 7  9 10  5  8  4  2  1  6  3  7  9 10  5  8  4  2
 *   product 35 9  0  5  0 16  2  9 54  0  0 27  0 35  8  8  6   sum 214
 *   214 = 19 × 11 + 5, and remainder 5 maps through "1 0 X 9 8 7 6 5 4 3 2" to 7.
 */
const CHENGDU = '510104199003071237';
// Chongqing 渝中区 500103, born 15 June 1985, sequence 042: sum 235, remainder 4 → '8'.
const CHONGQING = '500103198506150428';
// Sum 167, remainder 2 → 'X': a number whose check character is the letter.
const WITH_X = '11010519491231002X';

describe('ssnCheckCharacter', () => {
  it('computes the MOD 11-2 check character worked by hand above', () => {
    expect(ssnCheckCharacter(CHENGDU.slice(0, 17))).toBe('7');
    expect(ssnCheckCharacter(CHONGQING.slice(0, 17))).toBe('8');
    expect(ssnCheckCharacter(WITH_X.slice(0, 17))).toBe('X');
  });

  it('maps every remainder 0..10 to its character', () => {
    // A number whose weighted sum is r only in the last position: 16 zeros then d (weight 2).
    // 2·d mod 11 for d = 0..9 covers 0,2,4,6,8,10,1,3,5,7; r = 9 needs another digit.
    const expected = '10X98765432';
    for (let d = 0; d <= 9; d++) {
      const remainder = (2 * d) % 11;
      expect(ssnCheckCharacter(`${'0'.repeat(16)}${d}`)).toBe(expected[remainder]);
    }
    // Remainder 9 needs two digits: 1 at weight 5 (position 14) and 2 at weight 2 → 9 → '3'.
    expect(ssnCheckCharacter('00000000000001002')).toBe('3');
  });
});

describe('checkSsn', () => {
  it.each([
    ['a Chengdu number', CHENGDU, '1990-03-07'],
    ['a Chongqing number', CHONGQING, '1985-06-15'],
    ['a number ending in X', WITH_X, '1949-12-31'],
    ['a number born on 29 February of a leap year', makeSsn('510104', '1988-02-29', 1), '1988-02-29'],
  ])('accepts %s and reads the birth date', (_label, ssn, birthDate) => {
    expect(checkSsn(ssn)).toEqual({ valid: true, ssn, birthDate });
  });

  it('accepts a lower-case x and answers the number upper-cased', () => {
    expect(checkSsn(WITH_X.toLowerCase())).toEqual({ valid: true, ssn: WITH_X, birthDate: '1949-12-31' });
  });

  it('rejects every wrong check character of one number', () => {
    const wrong = [...'0123456789X'].filter((c) => c !== CHENGDU[17]);
    expect(wrong).toHaveLength(10);
    for (const c of wrong) {
      const result = checkSsn(CHENGDU.slice(0, 17) + c);
      expect(result).toEqual({ valid: false, constraint: 'ssnCheckCharacter', message: 'ssn check character is wrong' });
    }
  });

  it('rejects every wrong check character of a Chongqing number', () => {
    for (const c of [...'0123456789X'].filter((ch) => ch !== CHONGQING[17])) {
      expect(checkSsn(CHONGQING.slice(0, 17) + c).valid).toBe(false);
    }
  });

  it('rejects a single changed digit (the check character catches it)', () => {
    const changed = `5101041990030712${'4'}7`; // sequence 123 → 124, check character kept
    expect(checkSsn(changed).valid).toBe(false);
  });

  it.each([
    ['30 February', '19900230'],
    ['31 April', '19900431'],
    ['29 February of a common year', '19890229'],
    ['month 13', '19901301'],
    ['day 00', '19900100'],
  ])('rejects an impossible birth date (%s) even with a correct check character', (_label, date) => {
    const first17 = `510104${date}123`;
    const result = checkSsn(first17 + ssnCheckCharacter(first17));
    expect(result.valid).toBe(false);
    expect(result.valid === false && result.message).toMatch(/date of birth/);
  });

  it.each([
    ['too short', CHENGDU.slice(0, 17)],
    ['too long', `${CHENGDU}0`],
    ['a letter inside', `51010A${CHENGDU.slice(6)}`],
    ['a letter other than X at the end', `${CHENGDU.slice(0, 17)}Y`],
    ['empty', ''],
  ])('rejects a malformed number (%s)', (_label, ssn) => {
    expect(checkSsn(ssn)).toEqual({ valid: false, constraint: 'pattern', message: 'ssn must be 17 digits followed by a digit or X' });
  });
});

describe('maskSsn', () => {
  it('keeps the 6-digit region and the last 4 characters only', () => {
    expect(maskSsn(CHENGDU)).toBe('510104********1237');
    expect(maskSsn(WITH_X)).toBe('110105********002X');
    expect(maskSsn(CHENGDU)).not.toContain('19900307');
  });
});

describe('hashSsn', () => {
  it('is keyed and case-insensitive', () => {
    expect(hashSsn(WITH_X, 'k1')).toBe(hashSsn(WITH_X.toLowerCase(), 'k1'));
    expect(hashSsn(WITH_X, 'k1')).not.toBe(hashSsn(WITH_X, 'k2'));
    expect(hashSsn(WITH_X, 'k1')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('makeSsn', () => {
  it('builds numbers that pass the check, for both regions', () => {
    expect(makeSsn('510104', '1990-03-07', 123)).toBe(CHENGDU);
    expect(makeSsn('500103', '1985-06-15', 42)).toBe(CHONGQING);
  });
});
