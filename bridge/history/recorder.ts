import type { EnergyState } from '../facts/energy.ts';
import {
  type EnergyStep,
  type Metrics,
  type OutletReading,
  type PduReading,
  unitPower,
} from '../readings.ts';
import type { Db } from './db.ts';
import { createEnergyStore } from './energy-store.ts';
import { createHardwareRecorder } from './hardware-recorder.ts';
import { createRollupBuffer } from './rollup.ts';
import { createSampleWriter } from './sample-writer.ts';

/**
 * The one recording path, for live polls and for the backfill alike: PduReadings in, samples,
 * energy, rollups, identity and on/off changes out. The caller owns the transaction; `flush()`
 * writes what the readings changed (rollups, energy state, last-seen times) inside it.
 *
 * Energy is what the energy tracker decided (each channel's `energy_step`, bridge/facts/energy.ts):
 * a sample's `de` is the tracker's total now minus the total last stored, which is the step's own
 * energy, and after a poll that could not be recorded (a full disk) also that poll's: the history's
 * sum of `de` stays the total MQTT publishes. A reading the tracker never saw books no energy.
 */

/** source, unit, name, model, serial, firmware, outlet count: the pdu row's identity columns. */
type Identity = readonly [string, number, string, string, string, string, number];

interface PduRow {
  id: number;
  last_ts: number | null;
  source: string;
  unit: number;
  name: string;
  model: string;
  serial: string;
  firmware: string;
  outlet_count: number;
}

const sameIdentity = (a: Identity, r: PduReading) =>
  a[0] === r.source &&
  a[1] === r.unit &&
  a[2] === r.identity.name &&
  a[3] === r.identity.model &&
  a[4] === r.identity.serial &&
  a[5] === r.identity.firmware &&
  a[6] === r.outlets.length;

interface PduCache {
  id: number;
  lastTs: number;
  /** The last recorded poll's time, ms, when this process recorded it (NaN after a restart). */
  lastMs: number;
  identity: Identity;
  outlets: Map<number, { label: string; name: string; state: number | null }>;
  /** The tracker's state of every channel as it will be stored (totals in mWh), by channel. */
  energy: Map<number, EnergyState>;
  /** A state changed since the last flush. */
  energyDirty: boolean;
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

export function createRecorder(db: Db): Recorder {
  const energy = createEnergyStore(db);
  const q = {
    pduByKey: db.prepare<[string], PduRow>(
      'SELECT id, last_ts, source, unit, name, model, serial, firmware, outlet_count FROM pdu WHERE key = ?',
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
    // The last switch within a second wins: it is the state the outlet was left in.
    switchEvent: db.prepare(
      'INSERT OR REPLACE INTO switch_event (pdu, ts, outlet, state) VALUES (?, ?, ?, ?)',
    ),
  };
  const samples = createSampleWriter(db);
  const rollups = createRollupBuffer(db);
  const hardware = createHardwareRecorder(db);
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
      lastMs: Number.NaN,
      identity: [row.source, row.unit, row.name, row.model, row.serial, row.firmware, row.outlet_count],
      outlets: new Map(),
      energy: energy.unit(id),
      energyDirty: false,
    };
    for (const o of q.outlets.all(id))
      c.outlets.set(o.outlet, { label: o.label, name: o.name, state: o.state });
    pdus.set(r.id, c);
    return c;
  };

  /** The energy a channel's step books, mWh (its est flag is the step's). */
  const booked = (c: PduCache, channel: number, step: EnergyStep | undefined): number => {
    if (!step) return 0;
    const stored = c.energy.get(channel)?.total ?? step.state.origin;
    c.energy.set(channel, step.state);
    c.energyDirty = true;
    return Math.max(0, step.total - stored);
  };

  const channel = (
    c: PduCache,
    ts: number,
    outlet: number,
    m: Metrics,
    power: number | null,
    counter: number | null,
    step: EnergyStep | undefined,
    freq: number | null,
    sw: number | null,
    raw: boolean,
  ) => {
    const de = booked(c, outlet, step);
    const est = step?.est ?? false;
    const p = scale(power, 10);
    if (raw) {
      const va = scale(m.apparent_power, 10);
      const i = scale(m.current, 1000);
      const v = scale(m.voltage, 10);
      const pf = scale(m.power_factor, 1000);
      if (p !== null || va !== null || i !== null || v !== null || counter !== null || sw !== null) {
        samples.add(c.id, ts, outlet, p, va, i, v, pf, scale(freq, 10), counter, de, est ? 1 : 0, sw);
      }
    }
    if (p !== null || de !== 0) rollups.add(outlet, p, de, est);
  };

  const ingestUnit = (r: PduReading, raw: boolean): number => {
    const c = load(r);
    const ts = Math.floor(r.time / 1000);
    // A poll at or before the last recorded one (a duplicate after a restart, a clock step back) is
    // dropped whole: recording it again would double its samples. A later poll within the same second
    // (sub-second intervals, a re-poll after a command) is recorded into that second (the sample
    // statement), so the energy state saved is always that of the last poll, the one MQTT published.
    if (ts < c.lastTs || (ts === c.lastTs && !(r.time > c.lastMs))) return 0;
    rollups.begin(c.id, ts);
    if (!sameIdentity(c.identity, r)) {
      const { name, model, serial, firmware } = r.identity;
      const identity = [r.source, r.unit, name, model, serial, firmware, r.outlets.length] as const;
      q.updateIdentity.run(...identity, c.id);
      c.identity = identity;
    }
    // The inlet is the PDU total; where it has no power reading, the outlets' sum stands in.
    const inlet = r.inlet;
    channel(
      c,
      ts,
      0,
      inlet,
      unitPower(r),
      inlet.energy_counter,
      inlet.energy_step,
      inlet.frequency,
      null,
      raw,
    );
    for (const o of r.outlets) {
      const sw = onOff(o.state);
      const known = c.outlets.get(o.outlet);
      if (!known || known.label !== o.label || known.name !== o.name || (sw !== null && known.state !== sw)) {
        const state = sw ?? known?.state ?? null;
        q.upsertOutlet.run(c.id, o.outlet, o.label, o.name, state);
        if (sw !== null && known && known.state !== sw) q.switchEvent.run(c.id, ts, o.outlet, sw);
        c.outlets.set(o.outlet, { label: o.label, name: o.name, state });
      }
      channel(c, ts, o.outlet, o, o.power, o.energy_counter, o.energy_step, null, sw, raw);
    }
    hardware.ingest(c.id, ts, r, raw);
    samples.write();
    c.lastTs = ts;
    c.lastMs = r.time;
    touched.add(c);
    return r.outlets.length + 1;
  };

  return {
    ingest: (units, raw) => units.reduce((n, u) => n + ingestUnit(u, raw), 0),
    flush: () => {
      rollups.flush();
      hardware.flush();
      for (const c of touched) {
        q.touchPdu.run(c.lastTs, c.lastTs, c.id);
        if (c.energyDirty) energy.save(c.id, c.energy);
        c.energyDirty = false;
      }
      touched.clear();
    },
    markOffline: (key, ts) => {
      const row = q.pduByKey.get(key);
      if (!row) return;
      // Energy across the outage is the tracker's to decide (a gap), when the PDU answers again.
      q.offline.run(ts, row.id);
    },
    invalidate: () => {
      samples.clear();
      pdus = new Map();
      touched.clear();
      rollups.clear();
      hardware.clear();
    },
    pduId: (key) => pdus.get(key)?.id ?? q.pduByKey.get(key)?.id,
  };
}
