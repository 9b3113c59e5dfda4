import { Injectable } from '@nestjs/common';
import { Transactions } from '../database/transactions';

/** The simulated clock's row: the frozen instant (null while running) and its change counter. */
export interface ClockState {
  frozenAt: number | null;
  version: number;
}

export interface ClockRow {
  frozen_at: number | string | null;
  version: number | string;
}

/**
 * The one place that reads and writes `sim_clock`. Every change is a single UPDATE that bumps
 * `version` and answers the new row, so an advance is atomic across instances (the database
 * computes it from the row it updates, never from a copy in some process's memory).
 */
@Injectable()
export class ClockStore {
  constructor(
    private readonly transactions: Transactions,
  ) {}

  freeze(atMs: number): Promise<ClockState> {
    return this.write(`frozen_at = ${this.param(1)}`, [atMs]);
  }

  /** Frozen: moves the frozen instant; running: freezes at the caller's real now plus the step. */
  advance(stepMs: number, realNowMs: number): Promise<ClockState> {
    return this.write(`frozen_at = COALESCE(frozen_at, ${this.param(1)}) + ${this.param(2)}`, [realNowMs, stepMs]);
  }

  release(): Promise<ClockState> {
    return this.write('frozen_at = NULL', []);
  }

  // Through the write queue: on SQLite a statement sent while another request's transaction is
  // open on the single connection would become part of it (and be lost with its rollback).
  private write(assignment: string, parameters: number[]): Promise<ClockState> {
    return this.transactions.run(async (manager) => {
      const answer: unknown = await manager.query(
        `UPDATE sim_clock SET ${assignment}, version = version + 1 WHERE id = 1 RETURNING frozen_at, version`,
        parameters,
      );
      // PostgreSQL's runner answers UPDATE … RETURNING as [rows, rowCount], SQLite's as rows.
      const rows = (this.transactions.isPostgres ? (answer as [ClockRow[], number])[0] : answer) as ClockRow[];
      return toClockState(rows[0]);
    });
  }

  /** Placeholder `n` (1-based); SQLite's are positional, so parameters go in order of appearance. */
  private param(n: number): string {
    return this.transactions.isPostgres ? `$${n}` : '?';
  }
}

export function toClockState(row: ClockRow | undefined): ClockState {
  if (!row) throw new Error('sim_clock has no row: the SimClock migration has not run');
  return { frozenAt: row.frozen_at === null ? null : Number(row.frozen_at), version: Number(row.version) };
}
