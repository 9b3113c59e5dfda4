import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, MoreThan, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError, ErrorCode, notFound, validationFailed } from '../common/errors';
import { stripUndefined } from '../common/objects';
import { decodeCursor, Page, toPage } from '../common/pagination';
import { Transactions, isUniqueViolation } from '../database/transactions';
import { CreateVenueDto, UpdateVenueDto, VenueListQuery } from './dto/venue.dto';
import { DEFAULT_BORROW_LIMIT, venueFieldErrors } from './venue-rules';
import { VenueDirectory } from './venue-directory';
import { Venue } from './venue.entity';
import { toVenueView, VenueView, WhitelistView } from './venue.views';

type VenueFields = Omit<CreateVenueDto, 'code' | 'type'>;
/** Rows per multi-row INSERT: well inside SQLite's expression-depth limit (STACK.md trap 2). */
const CHUNK = 200;

@Injectable()
export class VenuesService {
  constructor(
    @InjectRepository(Venue) private readonly venues: Repository<Venue>,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly directory: VenueDirectory,
    private readonly clock: Clock,
  ) {}

  async create(dto: CreateVenueDto, actor: string): Promise<VenueView> {
    const errors = venueFieldErrors(dto);
    if (errors.length > 0) throw validationFailed(errors);
    try {
      const venue = await this.transactions.run(async (manager) => {
        if (await manager.existsBy(Venue, { code: dto.code })) throw duplicate(dto.code);
        return this.insert(manager, dto, actor);
      });
      return toVenueView(venue);
    } catch (error) {
      throw isUniqueViolation(error) ? duplicate(dto.code) : error;
    } finally {
      this.directory.invalidate();
    }
  }

  /** Inserts a venue with its audit record and a new whitelist version, inside `manager`'s transaction. */
  async insert(manager: EntityManager, dto: CreateVenueDto, actor: string): Promise<Venue> {
    const [venue] = await this.insertMany(manager, [dto], actor);
    return venue;
  }

  /** Inserts venues under one new whitelist version, with one audit record each. */
  async insertMany(manager: EntityManager, dtos: CreateVenueDto[], actor: string): Promise<Venue[]> {
    if (dtos.length === 0) return [];
    const now = this.clock.nowMs();
    const whitelistVersion = await this.transactions.nextVersion(manager, 'whitelist');
    const venues = dtos.map((dto) =>
      manager.create(Venue, {
        ...emptyTypeFields(),
        ...withDefaults(dto),
        status: dto.status ?? 'ACTIVE',
        delistedAt: null,
        whitelistVersion,
        createdAt: now,
        updatedAt: now,
      }),
    );
    for (let i = 0; i < venues.length; i += CHUNK) {
      const chunk = venues.slice(i, i + CHUNK);
      await manager.createQueryBuilder().insert().into(Venue).values(chunk).updateEntity(false).execute();
      await this.audit.record(
        manager,
        ...chunk.map((venue) => ({ entity: 'venue' as const, key: venue.code, action: 'CREATE', actor, at: now, before: null, after: toVenueView(venue) })),
      );
    }
    return venues;
  }

  async get(code: string): Promise<VenueView> {
    return toVenueView(await this.find(code));
  }

  async list(query: VenueListQuery): Promise<Page<VenueView>> {
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor, 1);
    const qb = this.venues.createQueryBuilder('v').orderBy('v.code', 'ASC').take(limit + 1);
    if (query.type) qb.andWhere('v.type = :type', { type: query.type });
    if (query.region) qb.andWhere('v.region = :region', { region: query.region });
    if (query.status === 'DELISTED') qb.andWhere('v.delistedAt IS NOT NULL');
    else {
      qb.andWhere('v.delistedAt IS NULL');
      if (query.status) qb.andWhere('v.status = :status', { status: query.status });
    }
    if (query.q) {
      const pattern = `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere(
        new Brackets((w) =>
          w.where(`LOWER(v.name) LIKE :pattern ESCAPE '\\'`, { pattern }).orWhere(`LOWER(v.code) LIKE :pattern ESCAPE '\\'`, { pattern }),
        ),
      );
    }
    if (after) qb.andWhere('v.code > :after', { after: after[0] });
    return toPage(await qb.getMany(), limit, toVenueView, (v) => [v.code]);
  }

  async update(code: string, dto: UpdateVenueDto, actor: string): Promise<VenueView> {
    try {
      const venue = await this.transactions.run(async (manager) => {
        const current = await manager.findOne(Venue, { where: { code }, lock: this.transactions.lockMode() });
        if (!current) throw notFound(`Venue ${code}`);
        if (current.delistedAt !== null) {
          throw new DomainError(409, ErrorCode.VENUE_DELISTED, `Venue ${code} is delisted; import it again to relist it`);
        }
        return this.applyUpdate(manager, current, dto, actor);
      });
      return toVenueView(venue);
    } finally {
      this.directory.invalidate();
    }
  }

  /**
   * Applies field changes to a loaded venue (also relisting it when `relist`), validating the
   * result as a whole; writes nothing when nothing changes.
   */
  async applyUpdate(
    manager: EntityManager,
    current: Venue,
    changes: Partial<VenueFields>,
    actor: string,
    relist = false,
  ): Promise<Venue> {
    const next: Venue = { ...current, ...stripUndefined(changes) } as Venue;
    if (relist) next.delistedAt = null;
    const errors = venueFieldErrors(next);
    if (errors.length > 0) throw validationFailed(errors);
    const before = toVenueView(current);
    if (sameVenue(before, toVenueView({ ...next, whitelistVersion: current.whitelistVersion, updatedAt: current.updatedAt }))) {
      return current;
    }
    next.updatedAt = this.clock.nowMs();
    next.whitelistVersion = await this.transactions.nextVersion(manager, 'whitelist');
    const { code, createdAt: _createdAt, ...columns } = next;
    await manager.createQueryBuilder().update(Venue).set(columns).where('code = :code', { code }).execute();
    const action = relist ? 'RELIST' : changes.status && changes.status !== current.status ? `STATUS_${changes.status}` : 'UPDATE';
    await this.audit.record(manager, { entity: 'venue', key: code, action, actor, at: next.updatedAt, before, after: toVenueView(next) });
    return next;
  }

  /** Delists: the venue stays for history, its taps are declined, terminals drop it at the next download. */
  async delist(code: string, actor: string): Promise<void> {
    try {
      await this.transactions.run(async (manager) => {
        const current = await manager.findOne(Venue, { where: { code }, lock: this.transactions.lockMode() });
        if (!current) throw notFound(`Venue ${code}`);
        if (current.delistedAt !== null) return;
        const now = this.clock.nowMs();
        const next = { ...current, delistedAt: now, updatedAt: now, whitelistVersion: await this.transactions.nextVersion(manager, 'whitelist') };
        await manager
          .createQueryBuilder()
          .update(Venue)
          .set({ delistedAt: now, updatedAt: now, whitelistVersion: next.whitelistVersion })
          .where('code = :code', { code })
          .execute();
        await this.audit.record(manager, { entity: 'venue', key: code, action: 'DELIST', actor, at: now, before: toVenueView(current), after: toVenueView(next) });
      });
    } finally {
      this.directory.invalidate();
    }
  }

  /** `GET /whitelist`: the full list, or with `since` only what changed after that version. */
  async whitelist(since?: number): Promise<WhitelistView> {
    return this.transactions.run(async (manager) => {
      const version = await this.transactions.currentVersion(manager, 'whitelist');
      if (since === undefined) {
        const venues = await manager.find(Venue, { order: { code: 'ASC' } });
        return { version, venues: venues.filter((v) => v.delistedAt === null).map(toVenueView) };
      }
      const changed = await manager.find(Venue, { where: { whitelistVersion: MoreThan(since) }, order: { code: 'ASC' } });
      return {
        version,
        upserted: changed.filter((v) => v.delistedAt === null).map(toVenueView),
        removed: changed.filter((v) => v.delistedAt !== null).map((v) => v.code),
      };
    });
  }

  private async find(code: string): Promise<Venue> {
    const venue = await this.venues.findOneBy({ code });
    if (!venue) throw notFound(`Venue ${code}`);
    return venue;
  }
}

const duplicate = (code: string) => new DomainError(409, ErrorCode.DUPLICATE_VENUE, `Venue ${code} already exists`);

function emptyTypeFields() {
  return {
    listedUntil: null,
    openingHours: null,
    dailyCapacity: null,
    borrowLimit: null,
    entryFeeFen: null,
    fareFen: null,
    network: null,
    line: null,
    km: null,
  };
}

/** Stores the documented defaults explicitly, so a venue reads back as it behaves. */
function withDefaults<T extends Partial<CreateVenueDto>>(dto: T): T {
  const out = stripUndefined(dto);
  if (dto.type === 'LIBRARY' && out.borrowLimit == null) out.borrowLimit = DEFAULT_BORROW_LIMIT;
  if (dto.type === 'SCENIC_SPOT' && out.entryFeeFen == null) out.entryFeeFen = 0;
  return out;
}


function sameVenue(a: VenueView, b: VenueView): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
