import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access, Actor } from '../auth/access.decorator';
import { CSV_BODY } from '../common/body-parsing';
import { PageQuery } from '../common/pagination';
import { LedgerService } from '../ledger/ledger.service';
import { LedgerPageView } from '../ledger/ledger.views';
import { IMPORT_BODY_LIMIT_BYTES } from '../venues/import-body';
import { ImportQuery, SinceQuery } from '../venues/venues.controller';
import { readCardCsvImport, readCardJsonImport } from './card-import';
import { BalanceView, CardImportDryRunView, CardImportView, CardPageView, CardView, HotlistView } from './card.views';
import { CardsService } from './cards.service';
import { ApiErrors } from '../common/error.views';
import { CardListQuery, ImportCardDto, IssueCardDto, TopUpDto, UpdateCardDto } from './dto/card.dto';

const IMPORT_DESCRIPTION = [
  'A JSON array of POST /cards bodies, each with an optional `topUpFen` (1..MAX_BALANCE_FEN, credited as a TOP_UP ledger entry',
  '`import:<cardNumber>`), or CSV with `content-type: text/csv` (UTF-8, a header row of the same field names, empty cell = absent,',
  '`transportEnabled` true or false). Every row is checked as POST /cards checks its body, and an ssn may appear once in the file',
  'and must not belong to a person holding an ACTIVE or TEMP_LOST card. Any bad row: 400 VALIDATION_FAILED with',
  '`details: [{row, field, message, constraint}]` (row 1 = the first data row, row 0 the header or the body) and nothing written.',
  'Otherwise every card is issued in one transaction, one ISSUE audit record each: 201 `{cards: [{row, cardNumber}]}`.',
  '`?dryRun=true` checks only and answers 200 `{dryRun: true, rows, errorCount, errors}`, writing nothing. Body limit 16 MiB.',
].join(' ');

@ApiTags('cards')
@ApiBearerAuth()
@ApiErrors([401, 403])
@Controller('cards')
export class CardsController {
  constructor(
    private readonly cards: CardsService,
    private readonly ledger: LedgerService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Issue a social security card with the transport function' })
  @ApiCreatedResponse({ type: CardView })
  @ApiErrors([400, 409], { 409: 'DUPLICATE_CARD: this person already holds an ACTIVE or TEMP_LOST card' })
  issue(@Body() dto: IssueCardDto, @Actor() actor: string) {
    return this.cards.issue(dto, actor);
  }

  @Post('import')
  @RouteConfig({ bodyLimit: IMPORT_BODY_LIMIT_BYTES, ...CSV_BODY })
  @ApiOperation({ summary: "Issue up to 10,000 cards from the social security bureau's file, all or nothing", description: IMPORT_DESCRIPTION })
  @ApiConsumes('application/json', 'text/csv')
  @ApiExtraModels(ImportCardDto)
  @ApiBody({ schema: { oneOf: [{ type: 'array', maxItems: 10_000, items: { $ref: getSchemaPath(ImportCardDto) } }, { type: 'string' }] } })
  @ApiCreatedResponse({ type: CardImportView, description: 'every card issued' })
  @ApiOkResponse({ type: CardImportDryRunView, description: '?dryRun=true: the check alone; nothing written' })
  @ApiErrors([400, 409, 413, 415], { 409: 'DUPLICATE_CARD: someone of the file was issued a card meanwhile; nothing was written' })
  async importCards(
    @Body() body: unknown,
    @Query() query: ImportQuery,
    @Headers('content-type') contentType: string | undefined,
    @Actor() actor: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CardImportView | CardImportDryRunView> {
    const isCsv = typeof body === 'string' && /^text\/csv\b/i.test(contentType ?? '');
    const dryRun = query.dryRun === 'true';
    const result = await this.cards.importCards(isCsv ? readCardCsvImport(body) : readCardJsonImport(body), actor, dryRun);
    void reply.status(dryRun ? 200 : 201);
    return result;
  }

  @Get()
  @ApiOperation({ summary: 'Cards by region and status' })
  @ApiOkResponse({ type: CardPageView })
  @ApiErrors([400])
  list(@Query() query: CardListQuery) {
    return this.cards.list(query);
  }

  @Get(':cardNumber')
  @ApiOperation({ summary: 'One card, with its status and balance' })
  @ApiOkResponse({ type: CardView })
  @ApiErrors([404])
  get(@Param('cardNumber') cardNumber: string) {
    return this.cards.get(cardNumber);
  }

  @Patch(':cardNumber')
  @ApiOperation({ summary: 'Report lost (TEMP_LOST, LOST), reactivate, cancel; switch transport; set concession' })
  @ApiOkResponse({ type: CardView })
  @ApiErrors([400, 404, 409], { 409: 'INVALID_TRANSITION: a status move the card cannot make' })
  update(@Param('cardNumber') cardNumber: string, @Body() dto: UpdateCardDto, @Actor() actor: string) {
    return this.cards.update(cardNumber, dto, actor);
  }

  @Post(':cardNumber/top-ups')
  @HttpCode(200)
  @ApiOperation({ summary: 'Credit the transit account; the same reference credits once' })
  @ApiOkResponse({ type: BalanceView, headers: { 'Idempotent-Replayed': { description: 'true when the reference was already credited' } } })
  @ApiErrors([400, 404, 409, 422], {
    409: 'CARD_NOT_ACTIVE: the card is not ACTIVE; IDEMPOTENCY_CONFLICT: the reference was used for another card or amount',
    422: 'BALANCE_LIMIT: the balance would exceed MAX_BALANCE_FEN',
  })
  async topUp(
    @Param('cardNumber') cardNumber: string,
    @Body() dto: TopUpDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BalanceView> {
    const result = await this.cards.topUp(cardNumber, dto);
    if (result.replayed) void reply.header('Idempotent-Replayed', 'true');
    return { balanceFen: result.balanceFen };
  }

  @Post(':cardNumber/replacement')
  @ApiOperation({ summary: 'Replace a card: the old one becomes LOST, the balance moves to the new number' })
  @ApiCreatedResponse({ type: CardView })
  @ApiErrors([404, 409], { 409: 'INVALID_TRANSITION: the card is CANCELLED or already replaced' })
  replace(@Param('cardNumber') cardNumber: string, @Actor() actor: string) {
    return this.cards.replace(cardNumber, actor);
  }

  @Get(':cardNumber/ledger')
  @ApiOperation({ summary: 'Every balance change of the card, oldest first' })
  @ApiOkResponse({ type: LedgerPageView })
  @ApiErrors([400, 404])
  async ledgerOf(@Param('cardNumber') cardNumber: string, @Query() query: PageQuery) {
    await this.cards.get(cardNumber);
    return this.ledger.list(cardNumber, query);
  }
}

@ApiTags('whitelist')
@ApiBearerAuth()
@Controller('hotlist')
export class HotlistController {
  constructor(private readonly cards: CardsService) {}

  @Get()
  @Access('admin-or-terminal')
  @ApiOperation({ summary: 'Parameter download: cards to refuse offline (add) and cards back to ACTIVE (remove) since a version' })
  @ApiOkResponse({ type: HotlistView })
  @ApiErrors([400, 401, 429, 503])
  get(@Query() query: SinceQuery) {
    return this.cards.hotlist(query.since ?? 0);
  }
}
