import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { Access, Actor } from '../auth/access.decorator';
import { CreateVenueDto, UpdateVenueDto, VenueListQuery } from './dto/venue.dto';
import { VenuePageView, VenueView, WhitelistView } from './venue.views';
import { VenuesService } from './venues.service';

export class SinceQuery {
  @ApiPropertyOptional({ description: 'the version the terminal holds; answers only what changed after it' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  since?: number;
}

@ApiTags('venues')
@ApiBearerAuth()
@Controller('venues')
export class VenuesController {
  constructor(private readonly venues: VenuesService) {}

  @Post()
  @ApiOperation({ summary: 'List a venue on the whitelist (应用清单)' })
  @ApiCreatedResponse({ type: VenueView })
  create(@Body() dto: CreateVenueDto, @Actor() actor: string) {
    return this.venues.create(dto, actor);
  }

  @Get()
  @ApiOperation({ summary: 'Venues by type, region, status and a search over names and codes' })
  @ApiOkResponse({ type: VenuePageView })
  list(@Query() query: VenueListQuery) {
    return this.venues.list(query);
  }

  @Get(':code')
  @ApiOkResponse({ type: VenueView })
  get(@Param('code') code: string) {
    return this.venues.get(code);
  }

  @Patch(':code')
  @ApiOperation({ summary: 'Change a venue (suspend and reactivate with status)' })
  @ApiOkResponse({ type: VenueView })
  update(@Param('code') code: string, @Body() dto: UpdateVenueDto, @Actor() actor: string) {
    return this.venues.update(code, dto, actor);
  }

  @Delete(':code')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delist: the venue stays in history, taps there are declined VENUE_NOT_LISTED' })
  @ApiNoContentResponse()
  async delist(@Param('code') code: string, @Actor() actor: string): Promise<void> {
    await this.venues.delist(code, actor);
  }
}

@ApiTags('parameters')
@ApiBearerAuth()
@Controller('whitelist')
export class WhitelistController {
  constructor(private readonly venues: VenuesService) {}

  @Get()
  @Access('admin-or-terminal')
  @ApiOperation({ summary: 'Parameter download for terminals: the whitelist, whole or as a delta since a version' })
  @ApiOkResponse({ type: WhitelistView })
  get(@Query() query: SinceQuery) {
    return this.venues.whitelist(query.since);
  }
}
