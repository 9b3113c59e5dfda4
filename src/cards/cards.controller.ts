import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access, Actor } from '../auth/access.decorator';
import { PageQuery } from '../common/pagination';
import { LedgerService } from '../ledger/ledger.service';
import { LedgerPageView } from '../ledger/ledger.views';
import { SinceQuery } from '../venues/venues.controller';
import { BalanceView, CardPageView, CardView, HotlistView } from './card.views';
import { CardsService } from './cards.service';
import { CardListQuery, IssueCardDto, TopUpDto, UpdateCardDto } from './dto/card.dto';
import { ApiErrors } from '../common/error.views';

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
  @ApiErrors([400, 401])
  get(@Query() query: SinceQuery) {
    return this.cards.hotlist(query.since ?? 0);
  }
}
