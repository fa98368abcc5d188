import type { EnergyState } from '../facts/energy.ts';
import type { SavedEnergy } from '../facts/energy-tracker.ts';
import type { Db } from './db.ts';

/**
 * The energy tracker's state in `energy_state`: written in each poll's transaction with the samples it
 * booked, read back at start. The history stores what the tracker decided and decides nothing itself
 * (bridge/facts/energy.ts, docs/energy.md). Since schema migration 5 a unit's channels are one row, a
 * JSON array with one array per channel in the order of FIELDS: a poll updates one row instead of 37.
 */

const FIELDS = [
  'channel',
  'counter',
  'counterAt',
  'at',
  'power',
  'total',
  'origin',
  'est',
  'cand',
  'candAt',
  'candReads',
  'prior',
  'priorAt',
  'priorTotal',
  'priorReads',
] as const;

type Packed = [
  number,
  number | null,
  number,
  number,
  number | null,
  number,
  number,
  number,
  number | null,
  number | null,
  number,
  number | null,
  number | null,
  number | null,
  number,
];

/** Migration 5: the per-channel rows of migration 3 packed per unit, in FIELDS order. */
export const PACK_ENERGY_STATE = `
  CREATE TABLE energy_unit (
    pdu INTEGER PRIMARY KEY,          -- pdu.id
    ts INTEGER NOT NULL,              -- the last sample saved, s
    state TEXT NOT NULL               -- JSON: [[${FIELDS.join(', ')}], ...]
  );
  INSERT INTO energy_unit (pdu, ts, state)
    SELECT pdu, max(ts), json_group_array(json_array(outlet, counter, coalesce(counter_ms, ts * 1000),
      coalesce(at_ms, ts * 1000), p, total, origin, est, cand, cand_ms, cand_n, prior, prior_ms,
      prior_total, prior_n) ORDER BY outlet)
    FROM energy_state GROUP BY pdu;
  DROP TABLE energy_state;
  ALTER TABLE energy_unit RENAME TO energy_state;
`;

function toState(r: Packed): EnergyState {
  const [, counter, counterAt, at, power, total, origin, est, cand, candAt, candReads] = r;
  const [prior, priorAt, priorTotal, priorReads] = r.slice(11) as [
    number | null,
    number | null,
    number | null,
    number,
  ];
  return {
    counter,
    counterAt,
    at,
    power,
    total,
    origin,
    est: est === 1,
    candidate: cand === null ? null : { counter: cand, at: candAt ?? at, reads: candReads },
    prior:
      prior === null
        ? null
        : { counter: prior, at: priorAt ?? at, total: priorTotal ?? total, reads: priorReads },
  };
}

function pack(channel: number, s: EnergyState): Packed {
  return [
    channel,
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
  ];
}

export function createEnergyStore(db: Db) {
  const all = db.prepare<[], { key: string; state: string }>(
    'SELECT p.key AS key, e.state FROM energy_state e JOIN pdu p ON p.id = e.pdu ORDER BY p.key',
  );
  const one = db.prepare<[number], string>('SELECT state FROM energy_state WHERE pdu = ?').pluck();
  const put = db.prepare('INSERT OR REPLACE INTO energy_state (pdu, ts, state) VALUES (?, ?, ?)');
  const unit = (pdu: number): Map<number, EnergyState> => {
    const json = one.get(pdu);
    return new Map(json ? (JSON.parse(json) as Packed[]).map((r) => [r[0], toState(r)]) : []);
  };
  return {
    /** Every channel's saved state, for the tracker at start. */
    load: (): SavedEnergy[] =>
      all
        .all()
        .flatMap(({ key, state }) =>
          (JSON.parse(state) as Packed[])
            .sort((a, b) => a[0] - b[0])
            .map((r) => ({ id: key, channel: r[0], state: toState(r) })),
        ),
    /** One unit's saved channel states (pdu row id). */
    unit,
    /** Saves every channel of one unit (the recorder keeps them all, stepped or not). */
    save(pdu: number, channels: ReadonlyMap<number, EnergyState>): void {
      let at = 0;
      const rows: Packed[] = [];
      for (const [channel, s] of channels) {
        rows.push(pack(channel, s));
        at = Math.max(at, s.at);
      }
      put.run(pdu, Math.floor(at / 1000), JSON.stringify(rows));
    },
  };
}

export type EnergyStore = ReturnType<typeof createEnergyStore>;
