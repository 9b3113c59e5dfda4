import { createHash, timingSafeEqual } from 'node:crypto';

export type Principal =
  | { kind: 'admin'; actor: string }
  | { kind: 'terminal'; actor: string; terminalId: string; venueCode: string };

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
/** The SHA-256 digest of a key as bytes, for `isOneOfDigests`. */
export const keyDigest = (key: string) => createHash('sha256').update(key).digest();

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
