import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
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
import { ApiErrors } from '../common/error.views';
import { Endpoint } from '../openapi/endpoint';
import { CODE_FORM } from '../common/forms';
import { VENUE_CODE } from '../openapi/schemas';

export class CreateTerminalDto {
  @ApiProperty(VENUE_CODE)
  @Matches(CODE_FORM, { message: 'venueCode must be 3-32 characters of A-Z, 0-9 and -' })
  venueCode: string;
}

export class TerminalQuery extends PageQuery {
  @ApiPropertyOptional(VENUE_CODE)
  @IsOptional() @Matches(CODE_FORM, { message: 'venueCode must be 3-32 characters of A-Z, 0-9 and -' })
  venueCode?: string;
}

@ApiTags('terminals')
@Controller('terminals')
export class TerminalsController {
  constructor(private readonly terminals: TerminalsService) {}

  @Post()
  @Endpoint('issueTerminal', "Issue a terminal bound to one venue: its key is shown once, stored only as a hash")
  @ApiCreatedResponse({ type: IssuedTerminalView })
  @ApiErrors([400, 404, 409], { 404: { NOT_FOUND: 'no such venue' }, 409: { VENUE_DELISTED: 'the venue is delisted' } })
  issue(@Body() dto: CreateTerminalDto, @Actor() actor: string) {
    return this.terminals.issue(dto.venueCode, actor);
  }

  @Get()
  @Endpoint('listTerminals', 'Terminals, of one venue or all')
  @ApiOkResponse({ type: TerminalPageView })
  @ApiErrors([400])
  list(@Query() query: TerminalQuery) {
    return this.terminals.list(query);
  }

  @Delete(':terminalId')
  @HttpCode(204)
  @Endpoint('revokeTerminal', "Revoke a terminal's key: it stops working at once, on every instance")
  @ApiNoContentResponse({ description: 'the key stops working at once' })
  @ApiErrors([404])
  async revoke(@Param('terminalId') terminalId: string, @Actor() actor: string): Promise<void> {
    await this.terminals.revoke(terminalId, actor);
  }
}
