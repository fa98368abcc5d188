import type { Db } from '../../bridge/history/db.ts';
import { F_E, F_EST, F_HAS, F_N, F_PN, F_PS, F_PX, FIELDS } from '../../bridge/history/packed.ts';
import { createScanner } from '../../bridge/history/scan.ts';
import type { Level } from '../../bridge/history/time.ts';

/** One rollup bucket of one channel, as the tests compare them (stored units: dW, mWh). */
export interface Agg {
  pdu: number;
  ts: number;
  outlet: number;
  n: number;
  ps: number;
  pn: number | null;
  px: number | null;
  e: number;
  est: number;
}

/** Every channel of every bucket of a rollup level, unpacked, ordered by pdu, ts, outlet. */
export function rollupRows(db: Db, level: Level): Agg[] {
  const scanner = createScanner(db);
  const out: Agg[] = [];
  const pdus = db.prepare<[], number>('SELECT id FROM pdu ORDER BY id').pluck().all();
  for (const pdu of pdus) {
    scanner.scan(pdu, level, 'all', -1, Number.MAX_SAFE_INTEGER, Infinity, (ts, agg, slots) => {
      for (let outlet = 0; outlet <= slots; outlet++) {
        const k = outlet * FIELDS;
        if (agg[k + F_HAS] === 0) continue;
        const nan = (v: number) => (Number.isNaN(v) ? null : v);
        out.push({
          pdu,
          ts,
          outlet,
          n: agg[k + F_N] as number,
          ps: agg[k + F_PS] as number,
          pn: nan(agg[k + F_PN] as number),
          px: nan(agg[k + F_PX] as number),
          e: agg[k + F_E] as number,
          est: agg[k + F_EST] as number,
        });
      }
    });
  }
  return out;
}
