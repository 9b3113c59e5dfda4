import type { CardStatus, Concession } from '../cards/card.entity';
import type { DeclineReason } from '../taps/tap-decision';

/** The magic cards of SPEC §6: fixed numbers with a known state, for integration tests. */
export interface MagicCard {
  cardNumber: string;
  issuerCode: string;
  name: string;
  birthDate: string;
  status: CardStatus;
  transportEnabled: boolean;
  concession: Concession;
  balanceFen: number;
  validFrom: string;
  validUntil: string;
  /** What the card is, in a sentence (GET /sim/magic-cards). */
  what: string;
  /** The decision or decline reason the card is there to produce. */
  expect: 'APPROVED' | DeclineReason;
}

type Purpose = Pick<MagicCard, 'what' | 'expect'>;

const card = (cardNumber: string, issuerCode: string, name: string, purpose: Purpose, changes: Partial<MagicCard> = {}): MagicCard => ({
  cardNumber,
  issuerCode,
  name,
  ...purpose,
  birthDate: '1990-01-01',
  status: 'ACTIVE',
  transportEnabled: true,
  concession: 'NONE',
  balanceFen: 5000,
  validFrom: '2024-01-01',
  validUntil: '2034-12-31',
  ...changes,
});

export const MAGIC_CARDS: MagicCard[] = [
  card('T00000001', '510100', '测试一 Sichuan active', {
    what: 'A Sichuan card, ACTIVE, transport on, 5000 fen: the ordinary card of the scheme.',
    expect: 'APPROVED',
  }),
  card('T00000002', '500100', '测试二 Chongqing active', {
    what: 'A Chongqing card, ACTIVE, transport on, 5000 fen: cross-region use in Sichuan.',
    expect: 'APPROVED',
  }),
  card('T00000003', '510100', '测试三 Sichuan temporarily lost', {
    what: 'A Sichuan card reported temporarily lost (TEMP_LOST).',
    expect: 'CARD_LOST',
  }, { status: 'TEMP_LOST' }),
  card('T00000004', '500100', '测试四 Chongqing cancelled', {
    what: 'A Chongqing card that is CANCELLED.',
    expect: 'CARD_CANCELLED',
  }, { status: 'CANCELLED' }),
  card('T00000005', '510100', '测试五 Sichuan expired', {
    what: 'A Sichuan card that expired on 2024-12-31.',
    expect: 'CARD_EXPIRED',
  }, { validFrom: '2015-01-01', validUntil: '2024-12-31' }),
  card('T00000006', '500100', '测试六 Chongqing transport off', {
    what: 'A Chongqing card without the transport function: refused on the metro and buses.',
    expect: 'TRANSPORT_NOT_ENABLED',
  }, { transportEnabled: false }),
  card('T00000007', '510100', '测试七 Sichuan no balance', {
    what: 'A Sichuan card with a balance of 0: refused wherever a tap must charge, and at a metro entry.',
    expect: 'INSUFFICIENT_BALANCE',
  }, { balanceFen: 0 }),
  card('T00000008', '440100', '测试八 Guangzhou', {
    what: 'A card issued in Guangzhou (440100), outside the scheme.',
    expect: 'CARD_NOT_IN_SCHEME',
  }),
  card('T00000009', '500100', '测试九 Chongqing senior', {
    what: 'A Chongqing card of a person born in 1950: SENIOR, rides free in Chongqing (fareFen 0).',
    expect: 'APPROVED',
  }, { birthDate: '1950-06-15', concession: 'SENIOR' }),
  card('T00000010', '510100', '测试十 Sichuan student', {
    what: 'A Sichuan STUDENT card with 5000 fen: pays half the base fare in Sichuan.',
    expect: 'APPROVED',
  }, { birthDate: '2005-09-01', concession: 'STUDENT' }),
];
