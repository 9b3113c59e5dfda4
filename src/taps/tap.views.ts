import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Constraint, CONSTRAINTS } from '../common/errors';
import { DECLINE_REASONS } from './tap-decision';
import { TAP_ACTIONS } from './tap.entity';
import { FARE_ADJUSTMENT_KINDS } from '../fares/fare-breakdown';

export class FareAdjustmentView {
  @ApiProperty({ enum: FARE_ADJUSTMENT_KINDS, example: 'CARD_DISCOUNT' }) kind: string;
  @ApiProperty({ example: -20, description: 'signed fen: what the step changed' }) amountFen: number;
}

export class FareBreakdownView {
  @ApiProperty({ example: 'SICHUAN-2025-01-01', description: 'the rule set that priced it (GET /fare-rules)' }) ruleSet: string;
  @ApiProperty({ example: 200, description: "the table's fare before any cap, or the bus line's fare; 0 for an incomplete journey" }) baseFen: number;
  @ApiProperty({ type: [FareAdjustmentView], description: 'in the order applied: cap, concession, transfer, card discount or monthly tier, overtime surcharge' })
  adjustments: FareAdjustmentView[];
  @ApiProperty({ example: 180, description: 'baseFen + the adjustments = fareFen' }) chargedFen: number;
}

export class JourneyViewDoc {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['OPEN', 'COMPLETE', 'INCOMPLETE'] }) status: string;
  @ApiProperty({ example: 'CHENGDU-METRO' }) network: string;
  @ApiProperty() entryVenueCode: string;
  @ApiProperty() entryAt: string;
  @ApiProperty({ type: String, nullable: true }) exitVenueCode: string | null;
  @ApiProperty({ type: String, nullable: true }) exitAt: string | null;
  @ApiProperty({ type: Number, nullable: true }) distanceKm: number | null;
  @ApiProperty() fareFen: number;
  @ApiPropertyOptional({ type: FareBreakdownView, description: 'a closed journey: how its fare was priced' }) fare?: FareBreakdownView;
}

export class JourneyPageView {
  @ApiProperty({ type: [JourneyViewDoc], description: 'newest first' }) items: JourneyViewDoc[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class ReasonView {
  @ApiProperty({ enum: DECLINE_REASONS, example: 'CARD_LOST' }) reason: string;
  @ApiProperty({ type: 'integer', example: 5, description: 'position in the decision order, from 1: the first reason that applies is the answer' }) order: number;
  @ApiProperty({ enum: TAP_ACTIONS, isArray: true, description: 'the actions whose taps it can decline' }) actions: string[];
  @ApiProperty({ example: 'The card is reported lost (temporarily or finally).' }) en: string;
  @ApiProperty({ example: '此卡已挂失（临时挂失或正式挂失）。' }) zh: string;
}

export class ReasonListView {
  @ApiProperty({ type: [ReasonView] }) items: ReasonView[];
}

export class TapResultView {
  @ApiProperty() tapId: string;
  @ApiProperty({ enum: ['APPROVED', 'DECLINED'], example: 'DECLINED' }) decision: string;
  @ApiProperty({ enum: DECLINE_REASONS, nullable: true, type: String, example: 'CARD_LOST', description: 'null when APPROVED' }) reason: string | null;
  @ApiProperty({ example: 'The card is reported lost' }) message: string;
  @ApiProperty({ example: 'T00000003' }) cardNumber: string;
  @ApiProperty({ example: 'CD-M1-TFGC' }) venueCode: string;
  @ApiProperty({ enum: TAP_ACTIONS, example: 'ENTRY' }) action: string;
  @ApiProperty({ example: '2025-03-01T08:15:00+08:00' }) occurredAt: string;
  @ApiPropertyOptional({ description: 'BORROW and RETURN only', example: 'ISBN9787020002207' }) itemId?: string;
  @ApiProperty({ description: "card's region differs from the venue's" }) crossRegion: boolean;
  @ApiProperty({ description: 'fen charged by this tap' }) fareFen: number;
  @ApiPropertyOptional({ type: FareBreakdownView, description: 'every priced tap (metro EXIT, bus RIDE, scenic ENTRY with a fee, an ENTRY closing an open journey), also when it comes to 0' })
  fare?: FareBreakdownView;
  @ApiProperty({ type: Number, nullable: true, description: 'balance after the tap; null for an unknown card' }) balanceFen: number | null;
  @ApiPropertyOptional({ type: JourneyViewDoc, description: 'metro taps' }) journey?: JourneyViewDoc;
  @ApiPropertyOptional({ type: JourneyViewDoc, description: 'the open journey this ENTRY closed as INCOMPLETE' }) closedJourney?: JourneyViewDoc;
}

export class TapPageView {
  @ApiProperty({ type: [TapResultView] }) items: TapResultView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class FieldErrorView {
  @ApiProperty() field: string;
  @ApiProperty() message: string;
  @ApiProperty({ enum: CONSTRAINTS, description: 'stable code of the rule broken' }) constraint: Constraint;
}

export class BatchItemResultView {
  @ApiProperty({ type: 'integer' }) index: number;
  @ApiProperty({ type: String, nullable: true }) tapId: string | null;
  @ApiProperty({ enum: ['PROCESSED', 'REPLAYED', 'INVALID'] }) status: string;
  @ApiPropertyOptional({ enum: ['APPROVED', 'DECLINED'] }) decision?: string;
  @ApiPropertyOptional({ enum: DECLINE_REASONS, nullable: true, type: String }) reason?: string | null;
  @ApiPropertyOptional({ type: [FieldErrorView] }) errors?: FieldErrorView[];
  @ApiPropertyOptional({ type: TapResultView, description: 'the whole answer, as POST /taps gives it' }) result?: TapResultView;
}

export class TapBatchResultView {
  @ApiProperty({ type: [BatchItemResultView] }) results: BatchItemResultView[];
}

/**
 * The examples of POST /taps, request and answer under the same name, in the order they are
 * posted (an e2e spec posts them on the seed data, the clock frozen at TAP_EXAMPLE_NOW, and checks
 * the answers).
 */
export const TAP_EXAMPLE_NOW = '2025-03-04T10:30:00+08:00';
export const TAP_REQUEST_EXAMPLES = {
  metroEntry: {
    summary: 'Metro ENTRY at Tianfu Square, Chengdu line 1',
    value: { tapId: 'GATE7-000123', cardNumber: 'T00000001', action: 'ENTRY', occurredAt: '2025-03-04T10:00:00+08:00', venueCode: 'CD-M1-TFGC' },
  },
  metroExit: {
    summary: 'Metro EXIT at Huaxiba, 12 minutes later',
    value: { tapId: 'GATE9-000456', cardNumber: 'T00000001', action: 'EXIT', occurredAt: '2025-03-04T10:12:00+08:00', venueCode: 'CD-M1-HXB' },
  },
  libraryBorrow: {
    summary: 'BORROW at a library: itemId is required',
    value: { tapId: 'KIOSK2-000789', cardNumber: 'T00000002', action: 'BORROW', occurredAt: '2025-03-04T10:20:00+08:00', venueCode: 'CQ-LIB-YZ', itemId: 'ISBN9787020002207' },
  },
  declined: {
    summary: 'A card reported lost: declined, still 200',
    value: { tapId: 'MUS-000001', cardNumber: 'T00000003', action: 'ENTRY', occurredAt: '2025-03-04T10:25:00+08:00', venueCode: 'CD-M1-TFGC' },
  },
};

const EXAMPLE_JOURNEY_ID = '6f1c2e9a-4b7d-4c1e-9a55-2d3b8f0e7a11';
const exampleJourney = {
  id: EXAMPLE_JOURNEY_ID, status: 'OPEN', network: 'CHENGDU-METRO', entryVenueCode: 'CD-M1-TFGC', entryAt: '2025-03-04T10:00:00+08:00',
  exitVenueCode: null, exitAt: null, distanceKm: null, fareFen: 0,
};
/** A Sichuan card's first ride of the month on Chengdu Metro: the Tianfu Tong tier below 200 yuan, 10% off. */
const exampleFare = { ruleSet: 'SICHUAN-2025-01-01', baseFen: 200, adjustments: [{ kind: 'MONTHLY_TIER', amountFen: -20 }], chargedFen: 180 };
export const TAP_RESPONSE_EXAMPLES = {
  metroEntry: {
    summary: 'APPROVED: a journey opens (nothing charged until the exit)',
    value: {
      tapId: 'GATE7-000123', decision: 'APPROVED', reason: null, message: 'Welcome', cardNumber: 'T00000001', venueCode: 'CD-M1-TFGC',
      action: 'ENTRY', occurredAt: '2025-03-04T10:00:00+08:00', crossRegion: false, fareFen: 0, balanceFen: 5000, journey: exampleJourney,
    },
  },
  metroExit: {
    summary: 'APPROVED: the journey completes and the fare is charged, with its breakdown',
    value: {
      tapId: 'GATE9-000456', decision: 'APPROVED', reason: null, message: 'Goodbye', cardNumber: 'T00000001', venueCode: 'CD-M1-HXB',
      action: 'EXIT', occurredAt: '2025-03-04T10:12:00+08:00', crossRegion: false, fareFen: 180, fare: exampleFare, balanceFen: 4820,
      journey: { ...exampleJourney, status: 'COMPLETE', exitVenueCode: 'CD-M1-HXB', exitAt: '2025-03-04T10:12:00+08:00', distanceKm: 1.9, fareFen: 180, fare: exampleFare },
    },
  },
  libraryBorrow: {
    summary: 'APPROVED: the item is on loan to the card',
    value: {
      tapId: 'KIOSK2-000789', decision: 'APPROVED', reason: null, message: 'Item borrowed', cardNumber: 'T00000002', venueCode: 'CQ-LIB-YZ',
      action: 'BORROW', occurredAt: '2025-03-04T10:20:00+08:00', itemId: 'ISBN9787020002207', crossRegion: false, fareFen: 0, balanceFen: 5000,
    },
  },
  declined: {
    summary: 'DECLINED with a stable reason (GET /reasons lists them)',
    value: {
      tapId: 'MUS-000001', decision: 'DECLINED', reason: 'CARD_LOST', message: 'The card is reported lost', cardNumber: 'T00000003', venueCode: 'CD-M1-TFGC',
      action: 'ENTRY', occurredAt: '2025-03-04T10:25:00+08:00', crossRegion: false, fareFen: 0, balanceFen: 5000,
    },
  },
};
