import type { Db } from './db.ts';
import { createDayBucketer, LEVEL_TABLE, LEVELS, type Level } from './time.ts';

/**
 * Incremental rollups. Every recorded sample is added to the open 15-minute, hourly and daily bucket
 * of its (pdu, outlet); flush() merges the buffered buckets into the tables with one UPSERT each, in
 * the caller's transaction, so a committed poll and its rollups are one atomic unit (a crash or a
 * restart can neither lose nor double a sample's contribution). Live polls flush every poll; the
 * backfill flushes once per simulated day through exactly the same code.
 */

/** One bucket's partial aggregate, in stored units (dW, mWh). */
interface Agg {
  ts: number;
  n: number;
  ps: number;
  pn: number | null;
  px: number | null;
  e: number;
  est: number;
}

export interface RollupSample {
  pdu: number;
  outlet: number;
  ts: number;
  /** Power, dW, or null. */
  p: number | null;
  /** Energy attributed to this sample, mWh. */
  de: number;
  est: boolean;
}

const upsertSql = (table: string) => `
  INSERT INTO ${table} (pdu, ts, outlet, n, ps, pn, px, e, est) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (pdu, ts, outlet) DO UPDATE SET
    n = n + excluded.n,
    ps = ps + excluded.ps,
    pn = min(coalesce(pn, excluded.pn), coalesce(excluded.pn, pn)),
    px = max(coalesce(px, excluded.px), coalesce(excluded.px, px)),
    e = e + excluded.e,
    est = max(est, excluded.est)`;

export interface RollupBuffer {
  add(s: RollupSample): void;
  flush(): number;
  clear(): void;
}

export function createRollupBuffer(db: Db): RollupBuffer {
  const upserts = LEVELS.map((l) => db.prepare(upsertSql(LEVEL_TABLE[l])));
  const dayOf = createDayBucketer();
  const bucketOf: Record<Level, (ts: number) => number> = {
    '15m': (ts) => ts - (ts % 900),
    '1h': (ts) => ts - (ts % 3600),
    '1d': dayOf,
  };
  // open[level] : key(pdu, outlet) -> the bucket samples are currently landing in
  let open: Map<number, Agg>[] = LEVELS.map(() => new Map());
  // closed buckets waiting for the next flush, per level: [pdu, outlet, agg]
  let closed: [number, number, Agg][][] = LEVELS.map(() => []);

  const add = (s: RollupSample) => {
    const key = s.pdu * 100_000 + s.outlet;
    for (let li = 0; li < LEVELS.length; li++) {
      const ts = bucketOf[LEVELS[li] as Level](s.ts);
      const levelOpen = open[li] as Map<number, Agg>;
      let agg = levelOpen.get(key);
      if (!agg || agg.ts !== ts) {
        if (agg) (closed[li] as [number, number, Agg][]).push([s.pdu, s.outlet, agg]);
        agg = { ts, n: 0, ps: 0, pn: null, px: null, e: 0, est: 0 };
        levelOpen.set(key, agg);
      }
      if (s.p !== null) {
        agg.n++;
        agg.ps += s.p;
        agg.pn = agg.pn === null || s.p < agg.pn ? s.p : agg.pn;
        agg.px = agg.px === null || s.p > agg.px ? s.p : agg.px;
      }
      agg.e += s.de;
      if (s.est) agg.est = 1;
    }
  };

  const flush = () => {
    let rows = 0;
    LEVELS.forEach((_, li) => {
      const stmt = upserts[li];
      if (!stmt) return;
      const write = (pdu: number, outlet: number, a: Agg) => {
        stmt.run(pdu, a.ts, outlet, a.n, a.ps, a.pn, a.px, Math.round(a.e), a.est);
        rows++;
      };
      for (const [pdu, outlet, a] of closed[li] ?? []) write(pdu, outlet, a);
      for (const [key, a] of open[li] ?? []) write(Math.floor(key / 100_000), key % 100_000, a);
    });
    clear();
    return rows;
  };

  const clear = () => {
    open = LEVELS.map(() => new Map());
    closed = LEVELS.map(() => []);
  };

  return { add, flush, clear };
}
