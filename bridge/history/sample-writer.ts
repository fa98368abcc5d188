import type { Statement } from 'better-sqlite3';
import type { Db } from './db.ts';

/**
 * The raw samples of one unit's poll, written by one multi-row INSERT: one statement call a poll
 * instead of one a channel. better-sqlite3's cost is per call and per bound value; the calls were a
 * third of the live path's (docs/architecture.md, the history's storage). Statements are prepared
 * once per row count (a unit's channels rarely change).
 */

const COLS = 13;
/** Rows per statement at most: 65 × 13 values stays far below SQLite's limit of bound parameters. */
const MAX_ROWS = 65;

/**
 * A second poll within the same second (sub-second intervals, a re-poll after a command) keeps the
 * newer readings and adds its energy to the sample's: the second is the sample's resolution.
 */
const sql = (rows: number) =>
  `INSERT INTO sample (pdu, ts, outlet, p, va, i, v, pf, f, c, de, est, sw) VALUES
   ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
   ON CONFLICT (pdu, ts, outlet) DO UPDATE SET p = excluded.p, va = excluded.va, i = excluded.i,
     v = excluded.v, pf = excluded.pf, f = excluded.f, c = excluded.c, de = de + excluded.de,
     est = max(est, excluded.est), sw = excluded.sw`;

export interface SampleWriter {
  /** One channel's sample (stored units, schema migration 1); written by the next write(). */
  add(
    pdu: number,
    ts: number,
    outlet: number,
    p: number | null,
    va: number | null,
    i: number | null,
    v: number | null,
    pf: number | null,
    f: number | null,
    c: number | null,
    de: number,
    est: number,
    sw: number | null,
  ): void;
  /** Writes what was added, in the caller's transaction. */
  write(): void;
  /** After a failed transaction: forget what was added. */
  clear(): void;
}

export function createSampleWriter(db: Db): SampleWriter {
  const pending: (number | null)[] = [];
  const stmts = new Map<number, Statement>();
  const write = () => {
    const rows = pending.length / COLS;
    if (rows === 0) return;
    let stmt = stmts.get(rows);
    if (!stmt) {
      stmt = db.prepare(sql(rows));
      stmts.set(rows, stmt);
    }
    stmt.run(pending);
    pending.length = 0;
  };
  return {
    add(pdu, ts, outlet, p, va, i, v, pf, f, c, de, est, sw) {
      pending.push(pdu, ts, outlet, p, va, i, v, pf, f, c, de, est, sw);
      if (pending.length >= MAX_ROWS * COLS) write();
    },
    write,
    clear: () => {
      pending.length = 0;
    },
  };
}
