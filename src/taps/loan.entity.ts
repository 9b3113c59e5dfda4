import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../database/columns';

/** A library item on loan to a card, from an approved BORROW until its RETURN. */
@Entity('loan')
export class Loan {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'card_number', type: 'varchar', length: 9 })
  cardNumber: string;

  @Column({ name: 'item_id', type: 'varchar', length: 64 })
  itemId: string;

  @Column({ name: 'venue_code', type: 'varchar', length: 32 })
  venueCode: string;

  @Column({ name: 'borrowed_at', type: 'bigint', transformer: epochMs })
  borrowedAt: number;

  @Column({ name: 'returned_at', type: 'bigint', nullable: true, transformer: epochMs })
  returnedAt: number | null;
}
