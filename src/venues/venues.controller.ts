import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiProduces,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { QueryInteger } from '../common/validators';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { CSV_BODY } from '../common/body-parsing';
import type { FastifyReply } from 'fastify';
import { Actor } from '../auth/access.decorator';
import { CreateVenueDto, UpdateVenueDto, VenueListQuery } from './dto/venue.dto';
import { IMPORT_BODY_LIMIT_BYTES } from './import-body';
import { readCsvImport, readJsonImport, toCsv, toImportRow } from './venue-import';
import { ImportResultView, VenuePageView, VenueView, WhitelistView } from './venue.views';
import { VenuesService } from './venues.service';
import { ApiErrors } from '../common/error.views';
import { Endpoint } from '../openapi/endpoint';
import { importBodySchema } from '../openapi/schemas';

/** Versions are PostgreSQL `integer`s: a larger `since` could match nothing and would overflow the column. */
const MAX_VERSION = 2_147_483_647;

export class SinceQuery {
  @ApiPropertyOptional({ type: 'integer', description: 'the version the terminal holds; answers only what changed after it', minimum: 0, maximum: 2_147_483_647 })
  @IsOptional() @QueryInteger() @IsInt() @Min(0) @Max(MAX_VERSION)
  since?: number;
}

export class ImportQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: answer the preview, write nothing, report bad rows with 200' })
  @IsOptional() @IsIn(['true', 'false'])
  dryRun?: 'true' | 'false';
}

export class ExportQuery {
  @ApiPropertyOptional({ enum: ['csv', 'json'], default: 'csv' })
  @IsOptional() @IsIn(['csv', 'json'])
  format?: 'csv' | 'json';
}

const IMPORT_DESCRIPTION = [
  'Upsert by code of up to 10,000 venues, all or nothing, under one new whitelist version, one audit record per changed venue.',
  'Body: a JSON array of venues (the POST /venues shape), or CSV with `content-type: text/csv` (UTF-8, header row of field names,',
  'empty cell = absent, openingHours as JSON or compact `2-7 09:00-17:00;1 10:00-12:00`). A row replaces every field of its',
  'venue except status, changed only when given; a delisted venue is relisted. Any bad row: 400 VALIDATION_FAILED with',
  '`details: [{row, field, message}]` (row 1 = first data row) and nothing written. `?dryRun=true` answers the same preview',
  'with the bad rows in `errors` and status 200, writing nothing. Body limit 16 MiB.',
].join(' ');

@ApiTags('venues')
@Controller('venues')
export class VenuesController {
  constructor(private readonly venues: VenuesService) {}

  @Post()
  @Endpoint('createVenue', 'List a venue on the whitelist (应用清单)')
  @ApiCreatedResponse({ type: VenueView })
  @ApiErrors([400, 409], { 409: { DUPLICATE_VENUE: 'a venue with this code exists' } })
  create(@Body() dto: CreateVenueDto, @Actor() actor: string) {
    return this.venues.create(dto, actor);
  }

  @Get()
  @Endpoint('listVenues', 'Venues by type, region, status and a search over names and codes')
  @ApiOkResponse({ type: VenuePageView })
  @ApiErrors([400])
  list(@Query() query: VenueListQuery) {
    return this.venues.list(query);
  }

  // `import` and `export` come before `:code`.
  @Post('import')
  @HttpCode(200)
  @RouteConfig({ bodyLimit: IMPORT_BODY_LIMIT_BYTES, ...CSV_BODY })
  @Endpoint('importVenues', 'Bulk import of venues from JSON or CSV, with a dry-run preview', { description: IMPORT_DESCRIPTION })
  @ApiConsumes('application/json', 'text/csv')
  @ApiBody({ schema: importBodySchema(CreateVenueDto) })
  @ApiOkResponse({ type: ImportResultView })
  @ApiErrors([400, 409, 413, 415], {
    400: { VALIDATION_FAILED: 'some row is bad: details name row and field; nothing was written' },
    409: { DUPLICATE_VENUE: 'a venue of the import was created meanwhile; nothing was written' },
  })
  importVenues(
    @Body() body: unknown,
    @Query() query: ImportQuery,
    @Headers('content-type') contentType: string | undefined,
    @Actor() actor: string,
  ) {
    const isCsv = typeof body === 'string' && /^text\/csv\b/i.test(contentType ?? '');
    return this.venues.importVenues(isCsv ? readCsvImport(body) : readJsonImport(body), actor, query.dryRun === 'true');
  }

  @Get('export')
  @Endpoint('exportVenues', 'Every listed venue as CSV (default) or JSON, in the form POST /venues/import takes back unchanged')
  @ApiProduces('text/csv', 'application/json')
  @ApiOkResponse({
    description: 'an attachment named whitelist-v<version>.csv or .json',
    schema: {
      oneOf: [
        { type: 'string', description: 'text/csv: a BOM, a header row, one venue per line' },
        { type: 'array', items: { $ref: '#/components/schemas/CreateVenueDto' }, description: 'application/json: the rows POST /venues/import takes' },
      ],
    },
    headers: { 'Content-Disposition': { description: 'attachment; filename="whitelist-v<version>.<format>"', schema: { type: 'string' } } },
  })
  @ApiErrors([400])
  async exportVenues(@Query() query: ExportQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const { version, venues } = await this.venues.exportable();
    const format = query.format ?? 'csv';
    void reply.header('content-disposition', `attachment; filename="whitelist-v${version}.${format}"`);
    if (format === 'json') return venues.map(toImportRow);
    void reply.header('content-type', 'text/csv; charset=utf-8');
    return toCsv(venues);
  }

  @Get(':code')
  @Endpoint('getVenue', 'One venue, delisted ones included')
  @ApiOkResponse({ type: VenueView })
  @ApiErrors([404])
  get(@Param('code') code: string) {
    return this.venues.get(code);
  }

  @Patch(':code')
  @Endpoint('updateVenue', 'Change a venue (suspend and reactivate with status)')
  @ApiOkResponse({ type: VenueView })
  @ApiErrors([400, 404, 409], { 409: { VENUE_DELISTED: 'a delisted venue changes only by importing it again' } })
  update(@Param('code') code: string, @Body() dto: UpdateVenueDto, @Actor() actor: string) {
    return this.venues.update(code, dto, actor);
  }

  @Delete(':code')
  @HttpCode(204)
  @Endpoint('delistVenue', 'Delist: the venue stays in history, taps there are declined VENUE_NOT_LISTED')
  @ApiNoContentResponse()
  @ApiErrors([404])
  async delist(@Param('code') code: string, @Actor() actor: string): Promise<void> {
    await this.venues.delist(code, actor);
  }
}

@ApiTags('whitelist')
@Controller('whitelist')
export class WhitelistController {
  constructor(private readonly venues: VenuesService) {}

  @Get()
  @Endpoint('getWhitelist', 'Parameter download for terminals: the whitelist, whole or as a delta since a version', { access: 'admin-or-terminal' })
  @ApiOkResponse({ type: WhitelistView })
  @ApiErrors([400])
  get(@Query() query: SinceQuery) {
    return this.venues.whitelist(query.since);
  }
}
