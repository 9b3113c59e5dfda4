import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { IsNotBefore, IsRealDate, IsSsn, OptionalNotNull } from '../../common/validators';
import { CARD_STATUSES, CardStatus, CONCESSIONS, Concession } from '../card.entity';
import { DATE, TOKEN } from '../../openapi/schemas';
import { TOKEN_FORM } from '../../common/forms';

export class IssueCardDto {
  @ApiProperty({ example: '510104199001011234', pattern: '^\\d{17}[\\dXx]$', description: '18-character resident ID number; never answered in full' })
  @IsString() @IsSsn()
  ssn: string;

  @ApiProperty({ example: '张三', minLength: 1, maxLength: 50 })
  @IsString() @Length(1, 50)
  name: string;

  @ApiProperty({ example: '510100', pattern: '^\\d{6}$', description: 'GB/T 2260 issuer code: 51xxxx Sichuan, 50xxxx Chongqing, else OTHER' })
  @Matches(/^\d{6}$/, { message: 'issuerCode must be 6 digits' })
  issuerCode: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional() @IsBoolean()
  transportEnabled?: boolean;

  @ApiPropertyOptional({ ...DATE, example: '2025-01-01', description: 'default: today' })
  @IsOptional() @IsRealDate()
  validFrom?: string;

  @ApiPropertyOptional({ ...DATE, example: '2035-01-01', description: 'default: ten years after validFrom' })
  @IsOptional() @IsRealDate() @IsNotBefore('validFrom')
  validUntil?: string;

  @ApiPropertyOptional({ enum: CONCESSIONS, default: 'NONE' })
  @IsOptional() @IsIn(CONCESSIONS)
  concession?: Concession;
}

/** A row of `POST /cards/import`: a `POST /cards` body, and the opening top-up of its card. */
export class ImportCardDto extends IssueCardDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100_000_000, example: 5000, description: 'opening top-up in fen, at most MAX_BALANCE_FEN (a TOP_UP ledger entry `import:<cardNumber>`)' })
  @IsOptional() @IsInt() @Min(1) @Max(100_000_000)
  topUpFen?: number;
}

export class UpdateCardDto {
  @ApiPropertyOptional({ enum: CARD_STATUSES, description: 'ACTIVE↔TEMP_LOST, ACTIVE/TEMP_LOST → LOST, non-final → CANCELLED' })
  @OptionalNotNull() @IsIn(CARD_STATUSES)
  status?: CardStatus;

  @ApiPropertyOptional()
  @OptionalNotNull() @IsBoolean()
  transportEnabled?: boolean;

  @ApiPropertyOptional({ enum: CONCESSIONS })
  @OptionalNotNull() @IsIn(CONCESSIONS)
  concession?: Concession;
}

export class TopUpDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100_000_000, example: 5000 })
  @IsInt() @Min(1) @Max(100_000_000)
  amountFen: number;

  @ApiProperty({ ...TOKEN, example: 'ALIPAY-20250301-0001', description: 'idempotency key: the same reference credits once' })
  @Matches(TOKEN_FORM, { message: 'reference must be 1-64 characters of A-Z, a-z, 0-9, . _ : -' })
  reference: string;
}

export class CardListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['SICHUAN', 'CHONGQING', 'OTHER'] })
  @IsOptional() @IsIn(['SICHUAN', 'CHONGQING', 'OTHER'])
  region?: string;

  @ApiPropertyOptional({ enum: CARD_STATUSES })
  @IsOptional() @IsIn(CARD_STATUSES)
  status?: CardStatus;
}
