import { createHash } from 'node:crypto';

export type Principal =
  | { kind: 'admin'; actor: string }
  | { kind: 'terminal'; actor: string; terminalId: string; venueCode: string };

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** The name a key goes by in audit records and logs: a fingerprint, never the key. */
export const adminActor = (keyHash: string) => `admin:${keyHash.slice(0, 8)}`;
