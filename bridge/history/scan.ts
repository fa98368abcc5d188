import type { Statement } from 'better-sqlite3';
import type { View } from '../facts/periods.ts';
import type { Db } from './db.ts';
import {
  decodeOutlets,
  emptyAgg,
  F_E,
  F_EST,
  F_HAS,
  F_N,
  F_PN,
  F_PS,
  F_PX,
  FIELDS,
  growAgg,
} from './packed.ts';
import { LEVEL_TABLE, type Resolution } from './time.ts';

/**
 * Reading the history for charts and CSV: a range in time order, one call per stored time with every
 * channel of it, whatever the table: a rollup row (its outlets unpacked here) or the raw samples of
 * one poll. Statements are prepared once.
 */

/**
 * One time (s) of one unit: channels 0 (the inlet) to `slots` in `agg` (packed.ts' layout; F_HAS 0
 * where a channel has nothing, or is not in the view). The array is reused: copy what you keep.
 */
export type Visit = (ts: number, agg: Float64Array, slots: number) => void;

/** total: the inlet; ports: outlets 1..n; all: both. */
export type ScanView = View | 'all';

export interface Scanner {
  /**
   * Visits the times after `after` and before `to` (s), at most `limit` of them. Returns the time to
   * continue after, or null when the range is exhausted. Synchronous: no statement stays open (an
   * open iterator would keep the connection from writing the next poll).
   */
  scan(
    pdu: number,
    res: Resolution,
    view: ScanView,
    after: number,
    to: number,
    limit: number,
    visit: Visit,
  ): number | null;
}

type RawRow = [number, number, number | null, number, number];
type BucketRow = [number, number, number, number | null, number | null, number, number, Buffer];

/** A whole range at once (all() is cheaper per row), a chunk through the iterator (stopped early). */
const rows = <R>(s: Statement<unknown[]>, limit: number, ...args: number[]): Iterable<R> =>
  (limit === Infinity ? s.all(...args) : s.iterate(...args)) as Iterable<R>;

const FILTER: Record<ScanView, string> = { total: 'AND outlet = 0', ports: 'AND outlet > 0', all: '' };

/** The statement behind a scan (parameters: pdu, after, to), for EXPLAIN QUERY PLAN in the tests. */
export function scanSql(res: Resolution, view: ScanView): string {
  return res === 'raw'
    ? `SELECT ts, outlet, p, de, est FROM sample
       WHERE pdu = ? AND ts > ? AND ts < ? ${FILTER[view]} ORDER BY ts, outlet`
    : `SELECT ts, n, ps, pn, px, e, est, ${view === 'total' ? "x''" : 'outlets'}
       FROM ${LEVEL_TABLE[res === '1mo' ? '1d' : res]}
       WHERE pdu = ? AND ts > ? AND ts < ? ${view === 'total' ? 'AND (n > 0 OR e > 0)' : ''} ORDER BY ts`;
}

export function createScanner(db: Db): Scanner {
  const cache = new Map<string, Statement<unknown[]>>();
  const stmt = (res: Resolution, view: ScanView) => {
    const key = `${res}:${view}`;
    let s = cache.get(key);
    if (!s) {
      s = db.prepare<unknown[]>(scanSql(res, view)).raw(true);
      cache.set(key, s);
    }
    return s;
  };
  let agg = emptyAgg(64);

  const clear = (slots: number) => {
    for (let c = 0; c <= slots; c++) agg[c * FIELDS + F_HAS] = 0;
  };

  /** Raw samples: one row per channel; the rows of one poll are gathered into one visit. */
  const raw = (pdu: number, view: ScanView, after: number, to: number, limit: number, visit: Visit) => {
    let times = 0;
    let ts = Number.NaN;
    let slots = -1;
    for (const row of rows<RawRow>(stmt('raw', view), limit, pdu, after, to)) {
      // Indexed, not destructured: this loop runs once per channel and poll.
      const t = row[0];
      const outlet = row[1];
      const p = row[2];
      if (t !== ts) {
        if (slots >= 0) {
          visit(ts, agg, slots);
          if (++times >= limit) return ts;
        }
        clear(Math.max(slots, 0));
        ts = t;
        slots = 0;
      }
      if (agg.length <= outlet * FIELDS) agg = growAgg(agg, outlet + 1);
      if (outlet > slots) {
        for (let c = slots + 1; c < outlet; c++) agg[c * FIELDS + F_HAS] = 0;
        slots = outlet;
      }
      const i = outlet * FIELDS;
      agg[i + F_HAS] = 1;
      agg[i + F_N] = p === null ? 0 : 1;
      agg[i + F_PS] = p ?? 0;
      agg[i + F_PN] = p ?? Number.NaN;
      agg[i + F_PX] = p ?? Number.NaN;
      agg[i + F_E] = row[3];
      agg[i + F_EST] = row[4];
    }
    if (slots >= 0) visit(ts, agg, slots);
    return null;
  };

  const buckets = (
    pdu: number,
    res: Resolution,
    view: ScanView,
    after: number,
    to: number,
    limit: number,
    visit: Visit,
  ) => {
    let times = 0;
    for (const row of rows<BucketRow>(stmt(res, view), limit, pdu, after, to)) {
      const blob = row[7];
      let slots = 0;
      if (blob.length > 0) {
        const d = decodeOutlets(blob, agg);
        agg = d.agg;
        slots = d.slots;
      }
      const n = row[1];
      const e = row[5];
      agg[F_HAS] = view !== 'ports' && (n > 0 || e > 0) ? 1 : 0;
      agg[F_N] = n;
      agg[F_PS] = row[2];
      agg[F_PN] = row[3] ?? Number.NaN;
      agg[F_PX] = row[4] ?? Number.NaN;
      agg[F_E] = e;
      agg[F_EST] = row[6];
      visit(row[0], agg, slots);
      if (++times >= limit) return row[0];
    }
    return null;
  };

  return {
    scan: (pdu, res, view, after, to, limit, visit) =>
      res === 'raw'
        ? raw(pdu, view, after, to, limit, visit)
        : buckets(pdu, res, view, after, to, limit, visit),
  };
}
