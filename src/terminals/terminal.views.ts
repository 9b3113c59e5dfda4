import { ApiProperty } from '@nestjs/swagger';
import { toShanghaiIso } from '../common/time';
import type { Terminal } from './terminal.entity';

export class TerminalView {
  @ApiProperty() terminalId: string;
  @ApiProperty() venueCode: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ type: String, nullable: true }) revokedAt: string | null;
}

export class IssuedTerminalView extends TerminalView {
  @ApiProperty({ description: 'shown once; stored only as a hash' }) apiKey: string;
}

export class TerminalPageView {
  @ApiProperty({ type: [TerminalView] }) items: TerminalView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export function toTerminalView(t: Terminal): TerminalView {
  return {
    terminalId: t.terminalId,
    venueCode: t.venueCode,
    createdAt: toShanghaiIso(t.createdAt),
    revokedAt: t.revokedAt === null ? null : toShanghaiIso(t.revokedAt),
  };
}

