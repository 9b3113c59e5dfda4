import { createHash } from 'node:crypto';
import { isOneOfDigests, keyDigest as digest } from './principal';

describe('isOneOfDigests', () => {
  const admins = ['first-admin-key', 'second-admin-key'].map(digest);

  it('finds a key among the admin keys, whichever it is', () => {
    expect(isOneOfDigests(digest('first-admin-key'), admins)).toBe(true);
    expect(isOneOfDigests(digest('second-admin-key'), admins)).toBe(true);
  });

  it('refuses another key, a prefix of a key, and any key when there are none', () => {
    expect(isOneOfDigests(digest('first-admin-ke'), admins)).toBe(false);
    expect(isOneOfDigests(digest(''), admins)).toBe(false);
    expect(isOneOfDigests(digest('first-admin-key'), [])).toBe(false);
  });
});

describe('keyDigest', () => {
  const sha256 = (key: string) => createHash('sha256').update(key).digest();

  it('answers the SHA-256 of the key, the same when asked again, for short and long keys', () => {
    const long = 'k'.repeat(1_000);
    for (const key of ['terminal-key-1', long]) {
      expect(digest(key).equals(sha256(key))).toBe(true);
      expect(digest(key).equals(sha256(key))).toBe(true);
    }
  });

  it('stays right past the memory it keeps (4,096 keys)', () => {
    for (let i = 0; i < 5_000; i++) digest(`key-${i}`);
    expect(digest('key-0').equals(sha256('key-0'))).toBe(true);
    expect(digest('key-4999').equals(sha256('key-4999'))).toBe(true);
  });
});
