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

type RawRow = [number, string, string, string, string];
type RawTotalRow = [number, number | null, number, number];
/** The bucket row of a view: ports reads the BLOB alone, total the inlet's columns alone, all both. */
type BucketRow = [number, number, number, number | null, number | null, number, number, Buffer];
type PortsRow = [number, Buffer];

/** A whole range at once (all() is cheaper per row), a chunk through the iterator (stopped early). */
const rows = <R>(s: Statement<unknown[]>, limit: number, ...args: number[]): Iterable<R> =>
  (limit === Infinity ? s.all(...args) : s.iterate(...args)) as Iterable<R>;

const FILTER: Record<ScanView, string> = { total: 'AND outlet = 0', ports: 'AND outlet > 0', all: '' };

/**
 * The statement behind a scan (parameters: pdu, after, to), for EXPLAIN QUERY PLAN in the tests.
 *
 * Raw samples come one row per poll, its channels as JSON arrays built by SQLite: what an hour of 36
 * outlets costs is the values better-sqlite3 hands to JavaScript (one per column and row, ~0.3 µs
 * each), and 60 rows of 4 short strings are a quarter of 2,160 rows of 5 numbers; JSON.parse of them
 * is cheap. The arrays of one group are filled from the same rows in the same order, so channel k of
 * each belongs together whatever order SQLite groups in.
 */
export function scanSql(res: Resolution, view: ScanView): string {
  // The inlet alone is one row per poll already: plain columns (JSON would only add work).
  if (res === 'raw' && view === 'total')
    return `SELECT ts, p, de, est FROM sample
       WHERE pdu = ? AND ts > ? AND ts < ? AND outlet = 0 ORDER BY ts`;
  if (res === 'raw')
    return `SELECT ts, json_group_array(outlet), json_group_array(p), json_group_array(de),
       json_group_array(est) FROM sample
       WHERE pdu = ? AND ts > ? AND ts < ? ${FILTER[view]} GROUP BY ts ORDER BY ts`;
  const table = LEVEL_TABLE[res === '1mo' ? '1d' : res];
  const range = 'WHERE pdu = ? AND ts > ? AND ts < ?';
  if (view === 'ports') return `SELECT ts, outlets FROM ${table} ${range} ORDER BY ts`;
  if (view === 'total')
    return `SELECT ts, n, ps, pn, px, e, est FROM ${table} ${range} AND (n > 0 OR e > 0) ORDER BY ts`;
  return `SELECT ts, n, ps, pn, px, e, est, outlets FROM ${table} ${range} ORDER BY ts`;
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

  /** The inlet's raw samples, one row per poll. */
  const rawTotal = (pdu: number, after: number, to: number, limit: number, visit: Visit) => {
    let times = 0;
    for (const row of rows<RawTotalRow>(stmt('raw', 'total'), limit, pdu, after, to)) {
      const p = row[1];
      agg[F_HAS] = 1;
      agg[F_N] = p === null ? 0 : 1;
      agg[F_PS] = p ?? 0;
      agg[F_PN] = p ?? Number.NaN;
      agg[F_PX] = p ?? Number.NaN;
      agg[F_E] = row[2];
      agg[F_EST] = row[3];
      visit(row[0], agg, 0);
      if (++times >= limit) return row[0];
    }
    return null;
  };

  /** Raw samples: one row per poll (scanSql), its channels unpacked into the aggregate. */
  const raw = (pdu: number, view: ScanView, after: number, to: number, limit: number, visit: Visit) => {
    if (view === 'total') return rawTotal(pdu, after, to, limit, visit);
    let times = 0;
    let slots = 0;
    for (const row of rows<RawRow>(stmt('raw', view), limit, pdu, after, to)) {
      const outlets = JSON.parse(row[1]) as number[];
      const p = JSON.parse(row[2]) as (number | null)[];
      const de = JSON.parse(row[3]) as number[];
      const est = JSON.parse(row[4]) as number[];
      slots = 0;
      for (let k = 0; k < outlets.length; k++) {
        const outlet = outlets[k] as number;
        if (outlet > slots) slots = outlet;
      }
      if (agg.length <= slots * FIELDS) agg = growAgg(agg, slots + 1);
      clear(slots);
      for (let k = 0; k < outlets.length; k++) {
        const i = (outlets[k] as number) * FIELDS;
        const pk = p[k] ?? null;
        agg[i + F_HAS] = 1;
        agg[i + F_N] = pk === null ? 0 : 1;
        agg[i + F_PS] = pk ?? 0;
        agg[i + F_PN] = pk ?? Number.NaN;
        agg[i + F_PX] = pk ?? Number.NaN;
        agg[i + F_E] = de[k] as number;
        agg[i + F_EST] = est[k] as number;
      }
      visit(row[0], agg, slots);
      if (++times >= limit) return row[0];
    }
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
    const s = stmt(res, view);
    if (view === 'ports') {
      for (const row of rows<PortsRow>(s, limit, pdu, after, to)) {
        let slots = 0;
        if (row[1].length > 0) {
          const d = decodeOutlets(row[1], agg);
          agg = d.agg;
          slots = d.slots;
        }
        agg[F_HAS] = 0;
        visit(row[0], agg, slots);
        if (++times >= limit) return row[0];
      }
      return null;
    }
    for (const row of rows<BucketRow>(s, limit, pdu, after, to)) {
      let slots = 0;
      if (view === 'all' && row[7].length > 0) {
        const d = decodeOutlets(row[7], agg);
        agg = d.agg;
        slots = d.slots;
      }
      const n = row[1];
      const e = row[5];
      agg[F_HAS] = n > 0 || e > 0 ? 1 : 0;
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
