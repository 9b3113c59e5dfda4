import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { regionOfIssuer } from '../cards/card-rules';
import { Card } from '../cards/card.entity';
import { toCardView } from '../cards/card.views';
import { hashSsn, makeSsn, maskSsn } from '../cards/ssn';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { withStartupLock } from '../database/startup-lock';
import { Transactions } from '../database/transactions';
import { LedgerService } from '../ledger/ledger.service';
import { CreateVenueDto } from '../venues/dto/venue.dto';
import { checkVenueInput } from '../venues/venue-input';
import { VenueDirectory } from '../venues/venue-directory';
import { VenuesService } from '../venues/venues.service';
import { MAGIC_CARDS } from './magic-cards';
import venuesSeed from './venues.seed.json';

const TABLES = ['tap', 'journey', 'loan', 'ledger_entry', 'capacity_usage', 'fare_counter', 'audit_entry', 'terminal', 'card', 'venue'];
const SEED_ACTOR = 'system:seed';

/** Validated once per process: a bad seed file stops start-up naming the entry. */
let seedVenues: CreateVenueDto[] | null = null;
function loadSeedVenues(): CreateVenueDto[] {
  seedVenues ??= (venuesSeed as unknown[]).map((plain, index) => {
    const check = checkVenueInput(plain);
    if (!check.ok) {
      throw new Error(`venues.seed.json[${index}]: ${check.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    }
    return check.venue;
  });
  return seedVenues;
}

/** Seed data: the real whitelist of both regions and the magic cards; `/sim/reset` reloads it. */
@Injectable()
export class SeedService {
  private readonly logger = new Logger(SeedService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly venues: VenuesService,
    private readonly directory: VenueDirectory,
    private readonly audit: AuditService,
    private readonly ledger: LedgerService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Seeds an empty database (first start); leaves one with data alone. Under the start-up lock:
   * of several instances started together on one PostgreSQL, one seeds and the others find it done.
   */
  async seedIfEmpty(): Promise<void> {
    const seeded = await withStartupLock(this.config.database, () =>
      this.transactions.run(async (manager) => {
        const rows: { n: number | string }[] = await manager.query('SELECT COUNT(*) AS n FROM venue');
        if (Number(rows[0].n) > 0) return false;
        await this.seed(manager);
        return true;
      }),
    );
    if (seeded) this.logger.log(`Seeded ${loadSeedVenues().length} venues and ${MAGIC_CARDS.length} magic cards`);
  }

  /** Wipes everything and reloads the seed data, in one transaction. */
  async reset(): Promise<void> {
    await this.transactions.run(async (manager) => {
      // PostgreSQL: take the cards first, as every tap group does, so that a group holding card
      // locks is waited for instead of deadlocking with the deletes of the rows it goes on to write.
      if (this.transactions.isPostgres) await manager.query('LOCK TABLE card IN EXCLUSIVE MODE');
      for (const table of TABLES) await manager.query(`DELETE FROM ${table}`);
      // Versions start again from 0; the whitelist's epoch and the terminal keys' version move on,
      // so no instance's cached copy can match the new state by chance.
      await manager.query(`UPDATE counter SET value = CASE WHEN name IN ('whitelist_epoch', 'terminals') THEN value + 1 ELSE 0 END`);
      await this.seed(manager);
    });
    this.directory.clear();
  }

  private async seed(manager: EntityManager): Promise<void> {
    await this.venues.insertMany(manager, loadSeedVenues(), SEED_ACTOR);
    const now = this.clock.nowMs();
    for (const [index, magic] of MAGIC_CARDS.entries()) {
      const ssn = makeSsn(magic.issuerCode, magic.birthDate, 100 + index);
      const card: Card = {
        cardNumber: magic.cardNumber,
        ssnHash: hashSsn(ssn, this.config.ssnHashKey),
        ssnMasked: maskSsn(ssn),
        birthDate: magic.birthDate,
        name: magic.name,
        issuerCode: magic.issuerCode,
        region: regionOfIssuer(magic.issuerCode),
        status: magic.status,
        validFrom: magic.validFrom,
        validUntil: magic.validUntil,
        transportEnabled: magic.transportEnabled,
        concession: magic.concession,
        balanceFen: magic.balanceFen,
        hotlistVersion: magic.status === 'ACTIVE' ? 0 : await this.transactions.nextVersion(manager, 'hotlist'),
        replacedBy: null,
        createdAt: now,
        updatedAt: now,
      };
      await manager.insert(Card, card);
      if (card.balanceFen > 0) {
        // The opening balance is a top-up, so top-ups − charges = balances holds from the start.
        await this.ledger.append(manager, [this.ledger.topUpEntry(card, card.balanceFen, card.balanceFen, `topup:seed-${card.cardNumber}`, now)]);
      }
      await this.audit.record(manager, { entity: 'card', key: card.cardNumber, action: 'ISSUE', actor: SEED_ACTOR, at: now, before: null, after: toCardView(card) });
    }
  }
}
