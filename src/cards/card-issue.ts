import { randomInt } from 'node:crypto';
import type { FieldError } from '../common/errors';
import { addYears } from '../common/time';
import { regionOfIssuer } from './card-rules';
import type { Card } from './card.entity';
import type { IssueCardDto } from './dto/card.dto';
import { maskSsn } from './ssn';

/**
 * Issuing a card, the pure part shared by `POST /cards`, `POST /cards/import` and the seed:
 * the validity period a body asks for, the stored row of the new card, and its number.
 */

const CARD_NUMBER_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A candidate card number: 9 of [A-Z0-9], a letter first, never T0… (the magic cards' range). */
export function randomCardNumber(): string {
  for (;;) {
    let number = CARD_NUMBER_CHARACTERS[randomInt(0, 26)];
    while (number.length < 9) number += CARD_NUMBER_CHARACTERS[randomInt(0, CARD_NUMBER_CHARACTERS.length)];
    if (!number.startsWith('T0')) return number;
  }
}

export type Validity = { ok: true; validFrom: string; validUntil: string } | { ok: false; error: FieldError };

/** validFrom defaults to today and validUntil to ten years on; the end must not be before the start. */
export function validityOf(dto: Pick<IssueCardDto, 'validFrom' | 'validUntil'>, today: string): Validity {
  const validFrom = dto.validFrom ?? today;
  const validUntil = dto.validUntil ?? addYears(validFrom, 10);
  if (validUntil < validFrom) {
    return { ok: false, error: { field: 'validUntil', message: 'validUntil must not be before validFrom', constraint: 'dateOrder' } };
  }
  return { ok: true, validFrom, validUntil };
}

export interface IssueFacts {
  cardNumber: string;
  /** The checked, upper-cased number and its birth date (`checkSsn`). */
  ssn: { ssn: string; birthDate: string };
  ssnHash: string;
  validFrom: string;
  validUntil: string;
  balanceFen: number;
  now: number;
}

/** The row of a newly issued, ACTIVE card. */
export function cardToIssue(dto: IssueCardDto, facts: IssueFacts): Card {
  return {
    cardNumber: facts.cardNumber,
    ssnHash: facts.ssnHash,
    ssnMasked: maskSsn(facts.ssn.ssn),
    birthDate: facts.ssn.birthDate,
    name: dto.name,
    issuerCode: dto.issuerCode,
    region: regionOfIssuer(dto.issuerCode),
    status: 'ACTIVE',
    validFrom: facts.validFrom,
    validUntil: facts.validUntil,
    transportEnabled: dto.transportEnabled ?? true,
    concession: dto.concession ?? 'NONE',
    balanceFen: facts.balanceFen,
    hotlistVersion: 0,
    replacedBy: null,
    createdAt: facts.now,
    updatedAt: facts.now,
  };
}
