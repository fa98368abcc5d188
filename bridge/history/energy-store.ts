import type { EnergyState } from '../facts/energy.ts';
import type { SavedEnergy } from '../facts/energy-tracker.ts';
import type { Db } from './db.ts';

/**
 * The energy tracker's state in `energy_state` (schema migration 3): written in each poll's transaction
 * with the samples it booked, read back at start. The history stores what the tracker decided and
 * decides nothing itself (bridge/facts/energy.ts, docs/energy.md).
 */

interface Row {
  outlet: number;
  ts: number;
  counter: number | null;
  counter_ms: number | null;
  at_ms: number | null;
  p: number | null;
  total: number;
  origin: number;
  est: number;
  cand: number | null;
  cand_ms: number | null;
  cand_n: number;
  prior: number | null;
  prior_ms: number | null;
  prior_total: number | null;
  prior_n: number;
}

const COLUMNS =
  'outlet, ts, counter, counter_ms, at_ms, p, total, origin, est, cand, cand_ms, cand_n, prior, prior_ms, prior_total, prior_n';

function toState(r: Row): EnergyState {
  return {
    counter: r.counter,
    counterAt: r.counter_ms ?? r.ts * 1000,
    at: r.at_ms ?? r.ts * 1000,
    power: r.p,
    total: r.total,
    origin: r.origin,
    est: r.est === 1,
    candidate: r.cand === null ? null : { counter: r.cand, at: r.cand_ms ?? r.ts * 1000, reads: r.cand_n },
    prior:
      r.prior === null
        ? null
        : {
            counter: r.prior,
            at: r.prior_ms ?? r.ts * 1000,
            total: r.prior_total ?? r.total,
            reads: r.prior_n,
          },
  };
}

export function createEnergyStore(db: Db) {
  const all = db.prepare<[], Row & { key: string }>(
    `SELECT p.key AS key, ${COLUMNS.split(', ')
      .map((c) => `e.${c}`)
      .join(', ')} FROM energy_state e JOIN pdu p ON p.id = e.pdu ORDER BY p.key, e.outlet`,
  );
  const totals = db.prepare<[number], { outlet: number; total: number }>(
    'SELECT outlet, total FROM energy_state WHERE pdu = ?',
  );
  const upsert = db.prepare(
    `INSERT INTO energy_state (pdu, ${COLUMNS}) VALUES (${Array(17).fill('?').join(', ')})
     ON CONFLICT (pdu, outlet) DO UPDATE SET ${COLUMNS.split(', ')
       .slice(1)
       .map((c) => `${c} = excluded.${c}`)
       .join(', ')}`,
  );
  return {
    /** Every channel's saved state, for the tracker at start. */
    load: (): SavedEnergy[] => all.all().map((r) => ({ id: r.key, channel: r.outlet, state: toState(r) })),
    /** The totals already stored for one unit (pdu row id), mWh by channel. */
    totals: (pdu: number): Map<number, number> => new Map(totals.all(pdu).map((r) => [r.outlet, r.total])),
    save(pdu: number, channel: number, s: EnergyState): void {
      upsert.run(
        pdu,
        channel,
        Math.floor(s.at / 1000),
        s.counter,
        s.counterAt,
        s.at,
        s.power,
        s.total,
        s.origin,
        s.est ? 1 : 0,
        s.candidate?.counter ?? null,
        s.candidate?.at ?? null,
        s.candidate?.reads ?? 0,
        s.prior?.counter ?? null,
        s.prior?.at ?? null,
        s.prior?.total ?? null,
        s.prior?.reads ?? 0,
      );
    },
  };
}

export type EnergyStore = ReturnType<typeof createEnergyStore>;
