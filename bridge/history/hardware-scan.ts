import type { Statement } from 'better-sqlite3';
import type { Db } from './db.ts';
import { HW_LEVEL_TABLE, HW_SAMPLE_TABLE } from './hardware-schema.ts';
import { decodeOutlets, emptyAgg, F_HAS } from './packed.ts';
import type { Visit } from './scan.ts';
import type { Resolution } from './time.ts';

/**
 * Reading the hardware series for charts and CSV: a range of one unit in time order, one visit per
 * stored time with every channel (packed.ts' layout, channel 0 always empty). Raw samples and rollup
 * buckets are both one packed row per time, so both decode alike. Synchronous, like scan.ts: no
 * statement stays open between chunks.
 */

export interface HardwareScanner {
  scan(pdu: number, res: Resolution, after: number, to: number, limit: number, visit: Visit): number | null;
}

/** The statement behind a scan (parameters: pdu, after, to), for EXPLAIN QUERY PLAN in the tests. */
export function hardwareScanSql(res: Resolution): string {
  return res === 'raw'
    ? `SELECT ts, data FROM ${HW_SAMPLE_TABLE} WHERE pdu = ? AND ts > ? AND ts < ? ORDER BY ts`
    : `SELECT ts, outlets FROM ${HW_LEVEL_TABLE[res === '1mo' ? '1d' : res]}
       WHERE pdu = ? AND ts > ? AND ts < ? ORDER BY ts`;
}

export function createHardwareScanner(db: Db): HardwareScanner {
  const cache = new Map<Resolution, Statement<unknown[]>>();
  const stmt = (res: Resolution) => {
    let s = cache.get(res);
    if (!s) {
      s = db.prepare<unknown[]>(hardwareScanSql(res)).raw(true);
      cache.set(res, s);
    }
    return s;
  };
  let agg = emptyAgg(32);
  return {
    scan(pdu, res, after, to, limit, visit) {
      const s = stmt(res);
      const rows = (limit === Infinity ? s.all(pdu, after, to) : s.iterate(pdu, after, to)) as Iterable<
        [number, Buffer]
      >;
      let times = 0;
      for (const [ts, blob] of rows) {
        const d = decodeOutlets(blob, agg);
        agg = d.agg;
        agg[F_HAS] = 0;
        visit(ts, agg, d.slots);
        if (++times >= limit) return ts;
      }
      return null;
    },
  };
}
