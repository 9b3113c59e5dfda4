import { DomainError, ErrorCode } from '../common/errors';
import type { CardRegion, CardStatus } from './card.entity';

/** The region of a card by its issuer code (GB/T 2260): 51 Sichuan, 50 Chongqing, else outside the scheme. */
export function regionOfIssuer(issuerCode: string): CardRegion {
  if (issuerCode.startsWith('51')) return 'SICHUAN';
  if (issuerCode.startsWith('50')) return 'CHONGQING';
  return 'OTHER';
}

const ALLOWED_MOVES: Record<CardStatus, CardStatus[]> = {
  ACTIVE: ['TEMP_LOST', 'LOST', 'CANCELLED'],
  TEMP_LOST: ['ACTIVE', 'LOST', 'CANCELLED'],
  LOST: [],
  CANCELLED: [],
};

/** ACTIVE↔TEMP_LOST, ACTIVE or TEMP_LOST → LOST, any non-final → CANCELLED. */
export function assertStatusMove(from: CardStatus, to: CardStatus): void {
  if (from === to) return;
  if (!ALLOWED_MOVES[from].includes(to)) {
    throw new DomainError(409, ErrorCode.INVALID_TRANSITION, `A card cannot move from ${from} to ${to}`);
  }
}

/** Whether a status puts the card on the hotlist that offline terminals refuse. */
export const isHotlisted = (status: CardStatus) => status !== 'ACTIVE';
