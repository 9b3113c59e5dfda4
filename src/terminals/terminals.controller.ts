import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { Actor } from '../auth/access.decorator';
import { IssuedTerminalView, TerminalPageView } from './terminal.views';
import { TerminalsService } from './terminals.service';

export class CreateTerminalDto {
  @ApiProperty({ example: 'CD-M1-TFGC' })
  @Matches(/^[A-Z0-9-]{3,32}$/, { message: 'venueCode must be 3-32 characters of A-Z, 0-9 and -' })
  venueCode: string;
}

export class TerminalQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional() @Matches(/^[A-Z0-9-]{3,32}$/, { message: 'venueCode must be 3-32 characters of A-Z, 0-9 and -' })
  venueCode?: string;
}

@ApiTags('terminals')
@ApiBearerAuth()
@Controller('terminals')
export class TerminalsController {
  constructor(private readonly terminals: TerminalsService) {}

  @Post()
  @ApiCreatedResponse({ type: IssuedTerminalView })
  issue(@Body() dto: CreateTerminalDto, @Actor() actor: string) {
    return this.terminals.issue(dto.venueCode, actor);
  }

  @Get()
  @ApiOkResponse({ type: TerminalPageView })
  list(@Query() query: TerminalQuery) {
    return this.terminals.list(query);
  }

  @Delete(':terminalId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the key stops working at once' })
  async revoke(@Param('terminalId') terminalId: string, @Actor() actor: string): Promise<void> {
    await this.terminals.revoke(terminalId, actor);
  }
}
