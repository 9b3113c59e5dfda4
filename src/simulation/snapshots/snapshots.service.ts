import { Injectable } from '@nestjs/common';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { Clock } from '../../common/clock';
import { DomainError, ErrorCode, notFound, validationFailed } from '../../common/errors';
import { decodeCursor, encodeCursor, Page } from '../../common/pagination';
import { toShanghaiIso } from '../../common/time';
import { FaultsService } from '../faults/faults.service';
import { checkSnapshotDocument, countsOf, SNAPSHOT_FORMAT } from './snapshot-document';
import { SnapshotRow, SnapshotStore } from './snapshot-store';

export const SNAPSHOT_NAME = /^[A-Za-z0-9._-]{1,64}$/;
/** A snapshot file's largest size, compressed (the route's body limit) and unpacked. */
export const SNAPSHOT_FILE_LIMIT_BYTES = 64 * 1024 * 1024;
const UNPACKED_LIMIT_BYTES = 512 * 1024 * 1024;

export interface SnapshotInfo {
  name: string;
  createdAt: string;
  counts: Record<string, number>;
}

const view = (row: SnapshotRow): SnapshotInfo => ({ name: row.name, createdAt: toShanghaiIso(row.createdAt), counts: row.counts });

/** Saved states of the whole service (SPEC §6): save, list, restore, delete, download, upload. */
@Injectable()
export class SnapshotsService {
  constructor(
    private readonly store: SnapshotStore,
    private readonly clock: Clock,
    private readonly faults: FaultsService,
  ) {}

  async save(name: string): Promise<SnapshotInfo> {
    const saved = await this.store.save(name, this.clock.nowMs());
    if (!saved) throw new DomainError(409, ErrorCode.SNAPSHOT_EXISTS, 'A snapshot of that name exists: delete it first or choose another name');
    return view(saved);
  }

  async list(limit: number, cursor: string | undefined): Promise<Page<SnapshotInfo>> {
    const after = decodeCursor(cursor, [SNAPSHOT_NAME]);
    const rows = await this.store.list(after ? String(after[0]) : null, limit + 1);
    const items = rows.slice(0, limit).map(view);
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].name]) : null };
  }

  /** Puts the whole state back in one transaction; faults are cleared, as by a reset. */
  async restore(name: string): Promise<SnapshotInfo> {
    const restored = await this.store.restore(name);
    if (!restored) throw notFound('Snapshot');
    if (restored.schema !== this.store.schema) {
      throw new DomainError(409, ErrorCode.SNAPSHOT_OUTDATED, 'The snapshot was saved under another database schema (an older release); nothing was restored');
    }
    this.faults.clear();
    return view(restored);
  }

  async remove(name: string): Promise<void> {
    if (!(await this.store.remove(name))) throw notFound('Snapshot');
  }

  /** The snapshot as a file: its document, gzip'd, assembled from the stored tables without parsing them. */
  async download(name: string): Promise<Buffer> {
    const stored = await this.store.stored(name);
    if (!stored) throw notFound('Snapshot');
    const header = `{"format":${JSON.stringify(SNAPSHOT_FORMAT)},"schema":${JSON.stringify(stored.schema)},"createdAt":${JSON.stringify(toShanghaiIso(stored.createdAt))},"tables":{`;
    const tables = stored.tables.map((table) => `${JSON.stringify(table.name)}:{"columns":${table.columns},"rows":${table.rows}}`);
    return promisify(gzip)(`${header}${tables.join(',')}}}`);
  }

  /**
   * Stores an uploaded file under `name` (replacing a snapshot of that name) after checking it
   * whole: gzip, JSON, the document's form and every cell against this database's schema, and a
   * restore rolled back, so that every row is one the database accepts. A bad file changes nothing.
   */
  async upload(name: string, file: Buffer): Promise<SnapshotInfo> {
    let text: string;
    let parsed: unknown;
    try {
      text = (await promisify(gunzip)(file, { maxOutputLength: UNPACKED_LIMIT_BYTES })).toString('utf8');
    } catch {
      throw badFile('must be a gzip-compressed snapshot document (GET /sim/snapshots/{name}/file), at most 512 MiB unpacked');
    }
    try {
      parsed = JSON.parse(text);
    } catch {
      throw badFile('must hold one JSON document');
    }
    const check = checkSnapshotDocument(parsed, await this.store.tableShapes(), this.store.schema);
    if (!check.ok) throw validationFailed(check.errors);
    const createdAt = Date.parse(check.document.createdAt);
    const counts = countsOf(check.document);
    try {
      await this.store.upload(name, check.document, createdAt, counts);
    } catch (error) {
      if (isRefusedRow(error)) throw badFile('holds rows the database refuses (a repeated key or a value out of range)', 'duplicateValue');
      throw error;
    }
    return { name, createdAt: toShanghaiIso(createdAt), counts };
  }
}

/** A constraint or data error of either database (a repeated key, a number too large for its column). */
function isRefusedRow(error: unknown): boolean {
  const code = String((error as { code?: unknown }).code ?? '');
  return code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || /^2[23]/.test(code);
}

function badFile(rule: string, constraint: 'format' | 'duplicateValue' = 'format'): DomainError {
  return validationFailed([{ field: 'file', constraint, message: `file ${rule}` }]);
}
