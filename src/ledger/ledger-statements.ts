import { insertRows, Statement } from '../database/unit-of-work';
import type { LedgerKind } from './ledger-entry.entity';

/** A balance change to record: every writer of the ledger (taps, top-ups, replacements, seed) builds these. */
export interface NewLedgerEntry {
  cardNumber: string;
  kind: LedgerKind;
  amountFen: number;
  balanceAfterFen: number;
  reference: string;
  tapId: string | null;
  venueCode: string | null;
  issuerRegion: string;
  acquirerRegion: string | null;
  businessDay: string;
  occurredAt: number;
  recordedAt: number;
}

const COLUMNS = [
  'card_number', 'kind', 'amount_fen', 'balance_after_fen', 'reference', 'tap_id', 'venue_code',
  'issuer_region', 'acquirer_region', 'business_day', 'occurred_at', 'recorded_at',
];

/** The one INSERT of the ledger. */
export function ledgerInserts(entries: NewLedgerEntry[]): Statement[] {
  if (entries.length === 0) return [];
  return [
    insertRows(
      'ledger_entry',
      COLUMNS,
      entries.map((e) => [
        e.cardNumber, e.kind, e.amountFen, e.balanceAfterFen, e.reference, e.tapId, e.venueCode,
        e.issuerRegion, e.acquirerRegion, e.businessDay, e.occurredAt, e.recordedAt,
      ]),
    ),
  ];
}
