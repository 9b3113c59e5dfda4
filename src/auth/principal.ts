import { createHash, timingSafeEqual } from 'node:crypto';

export type Principal =
  | { kind: 'admin'; actor: string }
  | { kind: 'terminal'; actor: string; terminalId: string; venueCode: string };

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
/** Digests kept of the keys seen last (a terminal sends its key with every tap), of keys up to a sane length. */
const KEPT_DIGESTS = 4_096;
const KEPT_KEY_LENGTH = 256;
const digests = new Map<string, Buffer>();

/**
 * The SHA-256 digest of a key as bytes, for `isOneOfDigests` and the rate limit's buckets;
 * remembered for the keys seen last (a full memory starts over), so a key sent with every
 * request is hashed once. Callers must not change the Buffer.
 */
export function keyDigest(key: string): Buffer {
  let digest = digests.get(key);
  if (digest === undefined) {
    digest = createHash('sha256').update(key).digest();
    if (key.length > KEPT_KEY_LENGTH) return digest;
    if (digests.size >= KEPT_DIGESTS) digests.clear();
    digests.set(key, digest);
  }
  return digest;
}

/** The name a key goes by in audit records and logs: a fingerprint, never the key. */
export const adminActor = (keyHash: string) => `admin:${keyHash.slice(0, 8)}`;

/**
 * Whether a key's SHA-256 digest is one of `digests`: every candidate is compared in full with
 * `timingSafeEqual`, with no early exit, so the time taken says nothing about how close a
 * guess came to an admin key.
 */
export function isOneOfDigests(digest: Buffer, digests: readonly Buffer[]): boolean {
  let found = false;
  for (const candidate of digests) found = timingSafeEqual(candidate, digest) || found;
  return found;
}
