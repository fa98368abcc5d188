import type { InletReading, Metrics, OutletReading, PduReading } from '../readings.ts';
import type { Db } from './db.ts';
import { DEFAULT_INTEGRATE_MAX_GAP_S, energyStep } from './energy.ts';
import { createRollupBuffer } from './rollup.ts';

/**
 * The one recording path, for live polls and for the backfill alike: PduReadings in, samples,
 * energy, rollups, identity and on/off changes out. The caller owns the transaction; `flush()`
 * writes what the readings changed (rollups, energy state, last-seen times) inside it.
 */

interface EnergyState {
  ts: number;
  counter: number | null;
  power: number | null;
  total: number;
  est: number;
}

interface PduCache {
  id: number;
  lastTs: number;
  identity: string;
  outlets: Map<number, { meta: string; state: number | null }>;
  energy: Map<number, EnergyState>;
  dirty: Set<number>;
}

export interface Recorder {
  /** Add one poll's units. `raw`: also keep the raw samples (false for time beyond raw retention). */
  ingest(units: readonly PduReading[], raw: boolean): number;
  flush(): void;
  markOffline(key: string, ts: number): void;
  /** After a failed transaction: forget caches so they are re-read from the database. */
  invalidate(): void;
  pduId(key: string): number | undefined;
}

const scale = (v: number | null | undefined, f: number) => (v == null ? null : Math.round(v * f));
const onOff = (s: OutletReading['state']) => (s === 'on' ? 1 : s === 'off' ? 0 : null);

export function createRecorder(db: Db, integrateMaxGapS = DEFAULT_INTEGRATE_MAX_GAP_S): Recorder {
  const q = {
    pduByKey: db.prepare<[string], { id: number; last_ts: number | null; ident: string }>(
      `SELECT id, last_ts, json_array(source, unit, name, model, serial, firmware, outlet_count) AS ident
       FROM pdu WHERE key = ?`,
    ),
    insertPdu: db.prepare('INSERT INTO pdu (key, source, unit) VALUES (?, ?, ?)'),
    updateIdentity: db.prepare(
      'UPDATE pdu SET source = ?, unit = ?, name = ?, model = ?, serial = ?, firmware = ?, outlet_count = ? WHERE id = ?',
    ),
    touchPdu: db.prepare(
      'UPDATE pdu SET last_ts = ?, first_ts = coalesce(first_ts, ?), offline_since = NULL WHERE id = ?',
    ),
    offline: db.prepare('UPDATE pdu SET offline_since = ? WHERE id = ? AND offline_since IS NULL'),
    outlets: db.prepare<[number], { outlet: number; label: string; name: string; state: number | null }>(
      'SELECT outlet, label, name, state FROM outlet WHERE pdu = ?',
    ),
    upsertOutlet: db.prepare(
      `INSERT INTO outlet (pdu, outlet, label, name, state) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (pdu, outlet) DO UPDATE SET label = excluded.label, name = excluded.name, state = excluded.state`,
    ),
    switchEvent: db.prepare(
      'INSERT OR IGNORE INTO switch_event (pdu, ts, outlet, state) VALUES (?, ?, ?, ?)',
    ),
    energy: db.prepare<[number], EnergyState & { outlet: number }>(
      'SELECT outlet, ts, counter, p AS power, total, est FROM energy_state WHERE pdu = ?',
    ),
    upsertEnergy: db.prepare(
      `INSERT INTO energy_state (pdu, outlet, ts, counter, p, total, est) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (pdu, outlet) DO UPDATE SET ts = excluded.ts, counter = excluded.counter, p = excluded.p,
         total = excluded.total, est = excluded.est`,
    ),
    sample: db.prepare(
      'INSERT INTO sample (pdu, ts, outlet, p, va, i, v, pf, f, c, de, est, sw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
  };
  const rollups = createRollupBuffer(db);
  let pdus = new Map<string, PduCache>();
  const touched = new Set<PduCache>();

  const load = (r: PduReading): PduCache => {
    let c = pdus.get(r.id);
    if (c) return c;
    let row = q.pduByKey.get(r.id);
    if (!row) {
      q.insertPdu.run(r.id, r.source, r.unit);
      row = q.pduByKey.get(r.id);
      if (!row) throw new Error(`history: could not create pdu row for ${r.id}`);
    }
    const id = row.id;
    c = {
      id,
      lastTs: row.last_ts ?? -1,
      identity: row.ident,
      outlets: new Map(),
      energy: new Map(),
      dirty: new Set(),
    };
    for (const o of q.outlets.all(id))
      c.outlets.set(o.outlet, { meta: `${o.label}\u0000${o.name}`, state: o.state });
    for (const e of q.energy.all(id)) c.energy.set(e.outlet, e);
    pdus.set(r.id, c);
    return c;
  };

  /** The inlet is the PDU total; where it has no power reading, the outlets' sum stands in. */
  const inletMetrics = (r: PduReading): InletReading => {
    if (r.inlet.power !== null) return r.inlet;
    const powers = r.outlets.map((o) => o.power).filter((p): p is number => p !== null);
    return powers.length ? { ...r.inlet, power: powers.reduce((a, b) => a + b, 0) } : r.inlet;
  };

  const channel = (
    c: PduCache,
    ts: number,
    outlet: number,
    m: Metrics,
    counter: number | null,
    freq: number | null,
    sw: number | null,
    raw: boolean,
  ) => {
    const prev = c.energy.get(outlet);
    const step = energyStep(prev, { ts, counter, power: m.power }, integrateMaxGapS);
    const de = Math.round(step.wh * 1000);
    const est = step.estimated ? 1 : 0;
    c.energy.set(outlet, { ts, counter, power: m.power, total: (prev?.total ?? 0) + de, est });
    c.dirty.add(outlet);
    const p = scale(m.power, 10);
    if (raw) {
      const va = scale(m.apparent_power, 10);
      const i = scale(m.current, 1000);
      const v = scale(m.voltage, 10);
      const pf = scale(m.power_factor, 1000);
      if (p !== null || va !== null || i !== null || v !== null || counter !== null || sw !== null) {
        q.sample.run(c.id, ts, outlet, p, va, i, v, pf, scale(freq, 10), counter, de, est, sw);
      }
    }
    if (p !== null || de !== 0) rollups.add({ pdu: c.id, outlet, ts, p, de, est: step.estimated });
  };

  const ingestUnit = (r: PduReading, raw: boolean): number => {
    const c = load(r);
    const ts = Math.floor(r.time / 1000);
    // A poll at or before the last recorded one (a duplicate after a restart, a clock step back) is
    // dropped whole: recording it again would double its energy and its rollup contribution.
    if (ts <= c.lastTs) return 0;
    const identity = [
      r.source,
      r.unit,
      r.identity.name,
      r.identity.model,
      r.identity.serial,
      r.identity.firmware,
      r.outlets.length,
    ] as const;
    const ident = JSON.stringify(identity);
    if (ident !== c.identity) {
      q.updateIdentity.run(...identity, c.id);
      c.identity = ident;
    }
    const inlet = inletMetrics(r);
    const inletCounter = inlet.energy === null ? null : Math.round(inlet.energy * 1000);
    channel(c, ts, 0, inlet, inletCounter, inlet.frequency, null, raw);
    for (const o of r.outlets) {
      const sw = onOff(o.state);
      const meta = `${o.label}\u0000${o.name}`;
      const known = c.outlets.get(o.outlet);
      if (!known || known.meta !== meta || (sw !== null && known.state !== sw)) {
        const state = sw ?? known?.state ?? null;
        q.upsertOutlet.run(c.id, o.outlet, o.label, o.name, state);
        if (sw !== null && known && known.state !== sw) q.switchEvent.run(c.id, ts, o.outlet, sw);
        c.outlets.set(o.outlet, { meta, state });
      }
      const counter = o.energy_counter ?? (o.energy === null ? null : Math.round(o.energy * 1000));
      channel(c, ts, o.outlet, o, counter, null, sw, raw);
    }
    c.lastTs = ts;
    touched.add(c);
    return r.outlets.length + 1;
  };

  return {
    ingest: (units, raw) => units.reduce((n, u) => n + ingestUnit(u, raw), 0),
    flush: () => {
      rollups.flush();
      for (const c of touched) {
        q.touchPdu.run(c.lastTs, c.lastTs, c.id);
        for (const outlet of c.dirty) {
          const e = c.energy.get(outlet);
          if (e) q.upsertEnergy.run(c.id, outlet, e.ts, e.counter, e.power, e.total, e.est);
        }
        c.dirty.clear();
      }
      touched.clear();
    },
    markOffline: (key, ts) => {
      const row = q.pduByKey.get(key);
      if (!row) return;
      q.offline.run(ts, row.id);
      // Integration never bridges an outage: forget the last power (the counter keeps its value, as
      // the energy it counts across the gap is real and is booked to the first sample after it).
      db.prepare('UPDATE energy_state SET p = NULL WHERE pdu = ?').run(row.id);
      const c = pdus.get(key);
      if (c) for (const e of c.energy.values()) e.power = null;
    },
    invalidate: () => {
      pdus = new Map();
      touched.clear();
      rollups.clear();
    },
    pduId: (key) => pdus.get(key)?.id ?? q.pduByKey.get(key)?.id,
  };
}
