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
