import { insertRows, Statement } from '../database/unit-of-work';
import type { Card } from './card.entity';

const COLUMNS = [
  'card_number', 'ssn_hash', 'ssn_masked', 'birth_date', 'name', 'issuer_code', 'region', 'status', 'valid_from',
  'valid_until', 'transport_enabled', 'concession', 'balance_fen', 'hotlist_version', 'replaced_by', 'created_at', 'updated_at',
];

/** Many new cards at once (the import): one INSERT statement over all their rows. */
export function cardInserts(cards: Card[]): Statement[] {
  if (cards.length === 0) return [];
  return [
    insertRows(
      'card',
      COLUMNS,
      cards.map((c) => [
        c.cardNumber, c.ssnHash, c.ssnMasked, c.birthDate, c.name, c.issuerCode, c.region, c.status, c.validFrom,
        c.validUntil, c.transportEnabled, c.concession, c.balanceFen, c.hotlistVersion, c.replacedBy, c.createdAt, c.updatedAt,
      ]),
    ),
  ];
}
