import type { Db } from './db.ts';
import {
  addSample,
  decodeOutlets,
  emptyAgg,
  encodeOutlets,
  F_E,
  F_EST,
  F_N,
  F_PN,
  F_PS,
  F_PX,
  FIELDS,
  growAgg,
} from './packed.ts';
import { createDayBucketer, LEVEL_TABLE, LEVELS, type Level } from './time.ts';

/**
 * Incremental rollups: one row per unit and bucket in each of the 15-minute, hourly and daily tables,
 * the inlet in columns and the outlets packed (packed.ts). The bucket a unit's samples land in is
 * kept in memory, whole: flush() writes every bucket changed since the last flush, in the caller's
 * transaction, so a committed poll and its rollups are one atomic unit. A bucket that is already
 * stored (a restart mid-bucket, the backfill handing over to live polls) is read back once when it is
 * first touched, so nothing is lost or counted twice. Live polls flush every poll; the backfill once a
 * chunk, through exactly the same code.
 */

export interface RollupSample {
  /** Power, dW, or null. */
  p: number | null;
  /** Energy attributed to this sample, mWh. */
  de: number;
  est: boolean;
}

export interface RollupBuffer {
  /** The unit's next poll is at `ts` (seconds): the samples that follow land in its buckets. */
  begin(pdu: number, ts: number): void;
  /** One channel's sample of the poll begun last (0: the inlet). */
  add(channel: number, p: number | null, de: number, est: boolean): void;
  /** Writes what changed; returns the rows written. */
  flush(): number;
  /** After a failed transaction: forget everything, re-read from the tables when next needed. */
  clear(): void;
}

interface Bucket {
  ts: number;
  agg: Float64Array;
  dirty: boolean;
}

interface UnitLevel {
  open: Bucket | undefined;
  /** Buckets that ended since the last flush. */
  closed: Bucket[];
  /** The newest bucket stored (-1: none; undefined: not read yet): a later one is not looked up. */
  stored: number | undefined;
}

const COLS = 'n, ps, pn, px, e, est, outlets';

/**
 * `tables`: the outlets' rollup tables by default; the hardware series (hardware-recorder.ts) are rolled
 * up by this same buffer into their own tables of the same columns.
 */
export function createRollupBuffer(db: Db, tables: Record<Level, string> = LEVEL_TABLE): RollupBuffer {
  const dayOf = createDayBucketer();
  const bucketOf = [(ts: number) => ts - (ts % 900), (ts: number) => ts - (ts % 3600), dayOf];
  const stmts = LEVELS.map((l) => {
    const t = tables[l];
    return {
      get: db.prepare<
        [number, number],
        [number, number, number | null, number | null, number, number, Buffer]
      >(`SELECT ${COLS} FROM ${t} WHERE pdu = ? AND ts = ?`),
      newest: db.prepare<[number], number | null>(`SELECT max(ts) FROM ${t} WHERE pdu = ?`).pluck(),
      put: db.prepare(`INSERT OR REPLACE INTO ${t} (pdu, ts, ${COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    };
  });
  stmts.forEach((s) => void s.get.raw(true));
  let units = new Map<number, UnitLevel[]>();
  const touched = new Set<number>();
  // The buckets of the poll begun last, one per level.
  let current: Bucket[] = [];

  const load = (li: number, pdu: number, ts: number, ul: UnitLevel): Bucket => {
    const s = stmts[li] as (typeof stmts)[number];
    ul.stored ??= s.newest.get(pdu) ?? -1;
    const row = ts <= ul.stored ? s.get.get(pdu, ts) : undefined;
    // Sized like the bucket before it: the unit's channels rarely change.
    if (!row) return { ts, agg: emptyAgg((ul.open?.agg.length ?? FIELDS) / FIELDS), dirty: false };
    const [n, ps, pn, px, e, est, blob] = row;
    const agg = decodeOutlets(blob).agg;
    agg[F_N] = n;
    agg[F_PS] = ps;
    agg[F_PN] = pn ?? Number.NaN;
    agg[F_PX] = px ?? Number.NaN;
    agg[F_E] = e;
    agg[F_EST] = est;
    agg[0] = n > 0 || e > 0 ? 1 : 0;
    return { ts, agg, dirty: false };
  };

  return {
    begin(pdu, ts) {
      let levels = units.get(pdu);
      if (!levels) {
        levels = LEVELS.map((): UnitLevel => ({ open: undefined, closed: [], stored: undefined }));
        units.set(pdu, levels);
      }
      touched.add(pdu);
      current = levels.map((ul, li) => {
        const b = (bucketOf[li] as (ts: number) => number)(ts);
        const open = ul.open;
        if (open && open.ts === b) return open;
        if (open?.dirty) ul.closed.push(open);
        ul.open = load(li, pdu, b, ul);
        return ul.open;
      });
    },
    add(channel, p, de, est) {
      for (const b of current) {
        if (b.agg.length <= channel * FIELDS)
          b.agg = growAgg(b.agg, Math.max(channel + 1, 2 * (b.agg.length / FIELDS)));
        addSample(b.agg, channel, p, de, est);
        b.dirty = true;
      }
    },
    flush() {
      let rows = 0;
      const write = (li: number, pdu: number, b: Bucket) => {
        const a = b.agg;
        const pn = a[F_PN] as number;
        const px = a[F_PX] as number;
        (stmts[li] as (typeof stmts)[number]).put.run(
          pdu,
          b.ts,
          a[F_N],
          a[F_PS],
          Number.isNaN(pn) ? null : pn,
          Number.isNaN(px) ? null : px,
          Math.round(a[F_E] as number),
          a[F_EST],
          encodeOutlets(a),
        );
        b.dirty = false;
        rows++;
      };
      for (const pdu of touched) {
        const levels = units.get(pdu) ?? [];
        levels.forEach((ul, li) => {
          for (const b of ul.closed) write(li, pdu, b);
          ul.closed = [];
          if (ul.open?.dirty) write(li, pdu, ul.open);
          if (ul.open) ul.stored = Math.max(ul.stored ?? -1, ul.open.ts);
        });
      }
      touched.clear();
      return rows;
    },
    clear() {
      units = new Map();
      touched.clear();
      current = [];
    },
  };
}
