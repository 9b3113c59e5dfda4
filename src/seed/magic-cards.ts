import type { CardStatus, Concession } from '../cards/card.entity';

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
}

const card = (cardNumber: string, issuerCode: string, name: string, changes: Partial<MagicCard> = {}): MagicCard => ({
  cardNumber,
  issuerCode,
  name,
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
  card('T00000001', '510100', '测试一 Sichuan active'),
  card('T00000002', '500100', '测试二 Chongqing active'),
  card('T00000003', '510100', '测试三 Sichuan temporarily lost', { status: 'TEMP_LOST' }),
  card('T00000004', '500100', '测试四 Chongqing cancelled', { status: 'CANCELLED' }),
  card('T00000005', '510100', '测试五 Sichuan expired', { validFrom: '2015-01-01', validUntil: '2024-12-31' }),
  card('T00000006', '500100', '测试六 Chongqing transport off', { transportEnabled: false }),
  card('T00000007', '510100', '测试七 Sichuan no balance', { balanceFen: 0 }),
  card('T00000008', '440100', '测试八 Guangzhou', {}),
  card('T00000009', '500100', '测试九 Chongqing senior', { birthDate: '1950-06-15', concession: 'SENIOR' }),
  card('T00000010', '510100', '测试十 Sichuan student', { birthDate: '2005-09-01', concession: 'STUDENT' }),
];
