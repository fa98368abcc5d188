import type { Db } from './db.ts';
import { HW_LEVEL_TABLE, HW_SAMPLE_TABLE } from './hardware-schema.ts';
import { LEVEL_TABLE } from './time.ts';

/**
 * Retention: raw samples for `rawRetentionDays`, rollups and on/off events for
 * `rollupRetentionYears`. Deletes run in small batches (one short transaction each, the event loop
 * free in between) so a big first prune never holds up a poll.
 */

export interface RetentionPolicy {
  rawRetentionDays: number;
  rollupRetentionYears: number;
}

export interface PruneCutoffs {
  /** Raw samples with ts < raw are deleted. */
  raw: number;
  /** Rollup buckets and events with ts < rollup are deleted. */
  rollup: number;
}

export function cutoffs(policy: RetentionPolicy, nowS: number): PruneCutoffs {
  return {
    raw: nowS - Math.round(policy.rawRetentionDays * 86_400),
    rollup: nowS - Math.round(policy.rollupRetentionYears * 365.25 * 86_400),
  };
}

const TABLES: readonly [string, keyof PruneCutoffs][] = [
  ['sample', 'raw'],
  [LEVEL_TABLE['15m'], 'rollup'],
  [LEVEL_TABLE['1h'], 'rollup'],
  [LEVEL_TABLE['1d'], 'rollup'],
  ['switch_event', 'rollup'],
  // The hardware series (lines, protectors, external sensors) are kept exactly as long as the outlets'.
  [HW_SAMPLE_TABLE, 'raw'],
  [HW_LEVEL_TABLE['15m'], 'rollup'],
  [HW_LEVEL_TABLE['1h'], 'rollup'],
  [HW_LEVEL_TABLE['1d'], 'rollup'],
];

export interface Pruner {
  /** One batch per (table, pdu) at most; returns rows deleted (0: nothing left to prune). */
  step(c: PruneCutoffs): number;
}

export function createPruner(db: Db, batch = 5_000): Pruner {
  const pdus = db.prepare<[], { id: number }>('SELECT id FROM pdu');
  // DELETE ... LIMIT needs SQLITE_ENABLE_UPDATE_DELETE_LIMIT, which better-sqlite3's bundled build has;
  // the (pdu, ts) key prefix makes each batch a short range scan from the oldest row.
  const deletes = TABLES.map(
    ([t, k]) => [db.prepare(`DELETE FROM ${t} WHERE pdu = ? AND ts < ? LIMIT ${batch}`), k] as const,
  );
  return {
    step: (c) => {
      let n = 0;
      const ids = pdus.all();
      db.transaction(() => {
        for (const { id } of ids) for (const [stmt, k] of deletes) n += stmt.run(id, c[k]).changes;
      })();
      return n;
    },
  };
}

/** Prune until nothing is left, yielding to the event loop between batches. */
export async function pruneAll(pruner: Pruner, c: PruneCutoffs): Promise<number> {
  let total = 0;
  for (;;) {
    const n = pruner.step(c);
    total += n;
    if (n === 0) return total;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
