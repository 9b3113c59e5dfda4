import { Injectable } from '@nestjs/common';
import { GroupWriter } from '../database/group-writer';
import type { UnitOfWork } from '../database/unit-of-work';

/** The simulated clock's row: the frozen instant (null while running) and its change counter. */
export interface ClockState {
  frozenAt: number | null;
  version: number;
}

export interface ClockRow {
  frozen_at: number | string | null;
  version: number | string;
}

/** One change of the clock: the SET assignment, with `?` placeholders, and its parameters. */
interface ClockChange {
  assignment: string;
  parameters: number[];
}

/**
 * The one place that writes `sim_clock` (SharedState reads it). Every change is a single UPDATE
 * that bumps `version` and answers the new row, so an advance is atomic across instances (the
 * database computes it from the row it updates, never from a copy in some process's memory).
 * Changes go through the group writer: concurrent ones share a transaction, applied in order.
 */
@Injectable()
export class ClockStore {
  constructor(private readonly writer: GroupWriter) {}

  freeze(atMs: number): Promise<ClockState> {
    return this.write({ assignment: 'frozen_at = ?', parameters: [atMs] });
  }

  /** Frozen: moves the frozen instant; running: freezes at the caller's real now plus the step. */
  advance(stepMs: number, realNowMs: number): Promise<ClockState> {
    return this.write({ assignment: 'frozen_at = COALESCE(frozen_at, ?) + ?', parameters: [realNowMs, stepMs] });
  }

  release(): Promise<ClockState> {
    return this.write({ assignment: 'frozen_at = NULL', parameters: [] });
  }

  private async write(change: ClockChange): Promise<ClockState> {
    const [state] = await this.writer.submit([change], applyChanges);
    return state;
  }
}

function* applyChanges(changes: ClockChange[]): UnitOfWork<ClockState[]> {
  const results = yield changes.map((c) => ({
    sql: `UPDATE sim_clock SET ${c.assignment}, version = version + 1 WHERE id = 1 RETURNING frozen_at, version`,
    params: c.parameters,
  }));
  return results.map((r) => toClockState(r.rows[0] as unknown as ClockRow | undefined));
}

export function toClockState(row: ClockRow | undefined): ClockState {
  if (!row) throw new Error('sim_clock has no row: the SimClock migration has not run');
  return { frozenAt: row.frozen_at === null ? null : Number(row.frozen_at), version: Number(row.version) };
}
