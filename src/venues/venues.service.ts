import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, In, IsNull, MoreThan, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError, ErrorCode, notFound, validationFailed } from '../common/errors';
import { stripUndefined } from '../common/objects';
import { decodeCursor, Page, toPage } from '../common/pagination';
import { Transactions, isUniqueViolation } from '../database/transactions';
import { CreateVenueDto, UpdateVenueDto, VenueListQuery } from './dto/venue.dto';
import { IMPORT_MAX_ERRORS, importRejected, sortErrors } from '../common/import-file';
import { checkImportRows, ImportRows, planImport } from './venue-import';
import { storedVenueFields, venueFieldErrors } from './venue-rules';
import { Venue } from './venue.entity';
import { ImportResultView, sameVenueState, toVenueView, VenueView, WhitelistView } from './venue.views';
import { CODE_FORM } from '../common/forms';

type VenueFields = Omit<CreateVenueDto, 'code' | 'type'>;
/** Rows per multi-row INSERT: well inside SQLite's expression-depth limit (STACK.md trap 2). */
const CHUNK = 200;
/** Codes per `IN (...)` look-up: well inside both dialects' bound-parameter limits. */
const LOOKUP_CHUNK = 500;

@Injectable()
export class VenuesService {
  constructor(
    @InjectRepository(Venue) private readonly venues: Repository<Venue>,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(dto: CreateVenueDto, actor: string): Promise<VenueView> {
    const errors = venueFieldErrors(dto);
    if (errors.length > 0) throw validationFailed(errors);
    try {
      const venue = await this.transactions.run(async (manager) => {
        if (await manager.existsBy(Venue, { code: dto.code })) throw duplicate();
        return this.insert(manager, dto, actor);
      });
      return toVenueView(venue);
    } catch (error) {
      throw isUniqueViolation(error) ? duplicate() : error;
    }
  }

  /** Inserts a venue with its audit record and a new whitelist version, inside `manager`'s transaction. */
  async insert(manager: EntityManager, dto: CreateVenueDto, actor: string): Promise<Venue> {
    const [venue] = await this.insertMany(manager, [dto], actor);
    return venue;
  }

  /**
   * Inserts venues with one audit record each, under one whitelist version: `whitelistVersion` when
   * the caller already took one for a larger write (an import), else a new one.
   */
  async insertMany(manager: EntityManager, dtos: CreateVenueDto[], actor: string, whitelistVersion?: number): Promise<Venue[]> {
    if (dtos.length === 0) return [];
    const now = this.clock.nowMs();
    const version = whitelistVersion ?? (await this.transactions.nextVersion(manager, 'whitelist'));
    const venues = dtos.map((dto) =>
      manager.create(Venue, {
        ...storedVenueFields(dto),
        status: dto.status ?? 'ACTIVE',
        delistedAt: null,
        whitelistVersion: version,
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
    const after = decodeCursor(query.cursor, [CODE_FORM]);
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
    const venue = await this.transactions.run(async (manager) => {
      const current = await manager.findOne(Venue, { where: { code }, lock: this.transactions.lockMode() });
      if (!current) throw notFound('Venue');
      if (current.delistedAt !== null) {
        throw new DomainError(409, ErrorCode.VENUE_DELISTED, 'This venue is delisted; import it again to relist it');
      }
      return this.applyUpdate(manager, current, dto, actor);
    });
    return toVenueView(venue);
  }

  /**
   * Applies field changes to a loaded venue (also relisting it when `relist`), validating the
   * result as a whole; writes nothing when nothing changes. A change takes a new whitelist
   * version, or `whitelistVersion` when the caller already took one for a larger write (an import).
   */
  async applyUpdate(
    manager: EntityManager,
    current: Venue,
    changes: Partial<VenueFields>,
    actor: string,
    options: { relist?: boolean; whitelistVersion?: number } = {},
  ): Promise<Venue> {
    const next: Venue = { ...current, ...stripUndefined(changes) } as Venue;
    if (options.relist) next.delistedAt = null;
    const errors = venueFieldErrors(next);
    if (errors.length > 0) throw validationFailed(errors);
    if (sameVenueState(current, next)) return current;
    next.updatedAt = this.clock.nowMs();
    next.whitelistVersion = options.whitelistVersion ?? (await this.transactions.nextVersion(manager, 'whitelist'));
    const { code, createdAt: _createdAt, ...columns } = next;
    await manager.createQueryBuilder().update(Venue).set(columns).where('code = :code', { code }).execute();
    const action = options.relist
      ? 'RELIST'
      : changes.status && changes.status !== current.status
        ? `STATUS_${changes.status}`
        : 'UPDATE';
    await this.audit.record(manager, { entity: 'venue', key: code, action, actor, at: next.updatedAt, before: toVenueView(current), after: toVenueView(next) });
    return next;
  }

  /** Delists: the venue stays for history, its taps are declined, terminals drop it at the next download. */
  async delist(code: string, actor: string): Promise<void> {
    await this.transactions.run(async (manager) => {
      const current = await manager.findOne(Venue, { where: { code }, lock: this.transactions.lockMode() });
      if (!current) throw notFound('Venue');
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
  }

  /**
   * `POST /venues/import`: checks every row, plans the upsert by code and, unless `dryRun`,
   * writes it in one transaction under one new whitelist version (none when nothing changes),
   * with one audit record per changed venue. A real import with any bad row writes nothing and
   * fails with every bad row named; a dry run reports them in its answer instead.
   */
  async importVenues(input: ImportRows, actor: string, dryRun: boolean): Promise<ImportResultView> {
    const checked = checkImportRows(input);
    try {
      return await this.transactions.run(async (manager) => {
        const existing = await this.findByCodes(manager, checked.venues.map((v) => v.venue.code), !dryRun);
        const plan = planImport(checked.venues, existing);
        const errors = sortErrors([...checked.errors, ...plan.errors]);
        const changed = plan.created.length + plan.updated.length > 0;
        let version = await this.transactions.currentVersion(manager, 'whitelist');
        if (!dryRun && errors.length > 0) throw importRejected(errors, input.format);
        if (!dryRun && changed) {
          version = await this.transactions.nextVersion(manager, 'whitelist');
          await this.insertMany(manager, plan.created, actor, version);
          for (const { current, changes, relist } of plan.updated) {
            await this.applyUpdate(manager, current, changes, actor, { relist, whitelistVersion: version });
          }
        }
        return {
          dryRun,
          version,
          created: plan.created.map((v) => v.code),
          updated: plan.updated.map((u) => u.current.code),
          unchanged: plan.unchanged,
          errorCount: errors.length,
          errors: errors.slice(0, IMPORT_MAX_ERRORS),
        };
      });
    } catch (error) {
      // Another instance listed one of the new codes between our look-up and our insert.
      if (isUniqueViolation(error)) {
        throw new DomainError(409, ErrorCode.DUPLICATE_VENUE, 'A venue of this import was created meanwhile; nothing was written, import again');
      }
      throw error;
    }
  }

  /** `GET /venues/export`: every listed venue by code, and the whitelist version they are at. */
  exportable(): Promise<{ version: number; venues: Venue[] }> {
    return this.transactions.run(async (manager) => ({
      version: await this.transactions.currentVersion(manager, 'whitelist'),
      venues: await manager.find(Venue, { where: { delistedAt: IsNull() }, order: { code: 'ASC' } }),
    }));
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

  private async findByCodes(manager: EntityManager, codes: string[], lock: boolean): Promise<Map<string, Venue>> {
    const found = new Map<string, Venue>();
    for (let i = 0; i < codes.length; i += LOOKUP_CHUNK) {
      const venues = await manager.find(Venue, {
        where: { code: In(codes.slice(i, i + LOOKUP_CHUNK)) },
        ...(lock ? { lock: this.transactions.lockMode() } : {}),
      });
      for (const venue of venues) found.set(venue.code, venue);
    }
    return found;
  }

  private async find(code: string): Promise<Venue> {
    const venue = await this.venues.findOneBy({ code });
    if (!venue) throw notFound('Venue');
    return venue;
  }
}

const duplicate = () => new DomainError(409, ErrorCode.DUPLICATE_VENUE, 'A venue with this code already exists');
