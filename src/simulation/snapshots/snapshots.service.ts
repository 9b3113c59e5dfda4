import { Injectable } from '@nestjs/common';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { Clock } from '../../common/clock';
import { DomainError, ErrorCode, notFound, validationFailed } from '../../common/errors';
import { decodeCursor, encodeCursor, Page } from '../../common/pagination';
import { toShanghaiIso } from '../../common/time';
import { FaultsService } from '../faults/faults.service';
import { checkSnapshotDocument, countsOf, SnapshotDocument } from './snapshot-document';
import { SnapshotRow, SnapshotStore, TrialRestore } from './snapshot-store';

export const SNAPSHOT_NAME = /^[A-Za-z0-9._-]{1,64}$/;
/** A snapshot file's largest size, compressed (the route's body limit) and unpacked. */
export const SNAPSHOT_FILE_LIMIT_BYTES = 64 * 1024 * 1024;
const UNPACKED_LIMIT_BYTES = 1024 * 1024 * 1024;

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
    const now = this.clock.nowMs();
    const saved = await this.store.save(name, now, toShanghaiIso(now));
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
    const text = await this.documentText(name);
    const document = JSON.parse(text) as SnapshotDocument;
    await this.store.restore(document, true);
    this.faults.clear();
    return { name, createdAt: document.createdAt, counts: countsOf(document) };
  }

  async remove(name: string): Promise<void> {
    if (!(await this.store.remove(name))) throw notFound('Snapshot');
  }

  /** The snapshot as a file: its document, gzip'd. */
  async download(name: string): Promise<Buffer> {
    return promisify(gzip)(await this.documentText(name));
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
      throw badFile('must be a gzip-compressed snapshot document (GET /sim/snapshots/{name}/file)');
    }
    try {
      parsed = JSON.parse(text);
    } catch {
      throw badFile('must hold one JSON document');
    }
    const check = checkSnapshotDocument(parsed, await this.store.tableShapes(), this.store.schema);
    if (!check.ok) throw validationFailed(check.errors);
    try {
      await this.store.restore(check.document, false);
    } catch (error) {
      if (!(error instanceof TrialRestore)) {
        throw badFile('holds rows the database refuses (a repeated key or a broken constraint)', 'duplicateValue');
      }
    }
    const createdAt = Date.parse(check.document.createdAt);
    const counts = countsOf(check.document);
    await this.store.put(name, createdAt, counts, text);
    return { name, createdAt: toShanghaiIso(createdAt), counts };
  }

  private async documentText(name: string): Promise<string> {
    const text = await this.store.documentText(name);
    if (text === null) throw notFound('Snapshot');
    return text;
  }
}

function badFile(rule: string, constraint: 'format' | 'duplicateValue' = 'format'): DomainError {
  return validationFailed([{ field: 'file', constraint, message: `file ${rule}` }]);
}
