import type { PduIdentity } from '../readings.ts';
import type { Db } from './db.ts';
import { createEnergyStore } from './energy-store.ts';
import { decodeOutlets, F_E, F_HAS, FIELDS } from './packed.ts';
import { type RangeQuery, resolveRange } from './range.ts';
import { bucketStart, LEVEL_TABLE, type Level, localDayStart, localMonthStart } from './time.ts';

/** What the panel's cards, outlet grid and PDU selector read: latest values, today, this month. */

export interface PduInfo extends PduIdentity {
  id: string;
  source: string;
  unit: number;
  outletCount: number;
  /** First and last recorded poll, ms (null: never). */
  firstTime: number | null;
  lastTime: number | null;
  /** Set by recordOffline until the next reading, ms. */
  offlineSince: number | null;
}

export interface LastValues {
  time: number;
  power: number | null;
  apparent_power: number | null;
  current: number | null;
  voltage: number | null;
  power_factor: number | null;
}

export interface OutletInfo {
  outlet: number;
  label: string;
  name: string;
  state: 'on' | 'off' | null;
  /**
   * The outlet's energy total, kWh: the energy tracker's (docs/energy.md), never decreasing. Where the
   * PDU has a counter it is the `energy` MQTT publishes, starting at the PDU's counter; without one it
   * is the estimate integrated from power (`estimated`), which MQTT does not publish.
   */
  energyKwh: number;
  estimated: boolean;
  /** The last recorded sample (kept as long as raw samples are), or null. */
  last: LastValues | null;
}

export interface Peak {
  outlet: number;
  /** W */
  power: number;
  /** ms; to the sample when raw samples still exist, else the start of the finest bucket kept. */
  time: number;
}

export interface Cards {
  pdu: PduInfo;
  /** Inlet (total) power now, W, and when it was read. */
  powerW: number | null;
  time: number | null;
  /** The last hour of total power, one point per sample. */
  sparkline: { times: number[]; power: (number | null)[] };
  energyTodayKwh: number;
  energyMonthKwh: number;
  estimated: boolean;
  peakToday: Peak | null;
  /** Energy per outlet today and this month (local calendar), kWh, outlets with any recorded. */
  outletEnergy: { outlet: number; todayKwh: number; monthKwh: number }[];
  outletsOn: number;
  outletsTotal: number;
  inlet: {
    voltage: number | null;
    current: number | null;
    power_factor: number | null;
    frequency: number | null;
    apparent_power: number | null;
  };
}

interface SampleRow {
  ts: number;
  outlet: number;
  p: number | null;
  va: number | null;
  i: number | null;
  v: number | null;
  pf: number | null;
  f: number | null;
}

const div = (x: number | null, f: number) => (x === null ? null : x / f);
const lastValues = (s: SampleRow): LastValues => ({
  time: s.ts * 1000,
  power: div(s.p, 10),
  apparent_power: div(s.va, 10),
  current: div(s.i, 1000),
  voltage: div(s.v, 10),
  power_factor: div(s.pf, 1000),
});

export function createCards(db: Db) {
  const energyStore = createEnergyStore(db);
  const q = {
    pdus: db.prepare<[], Record<string, string | number | null>>('SELECT * FROM pdu ORDER BY key'),
    pdu: db.prepare<[string], Record<string, string | number | null>>('SELECT * FROM pdu WHERE key = ?'),
    outlets: db.prepare<[number], { outlet: number; label: string; name: string; state: number | null }>(
      'SELECT outlet, label, name, state FROM outlet WHERE pdu = ? ORDER BY outlet',
    ),
    latest: db.prepare<[number, number], SampleRow>(
      `SELECT ts, outlet, p, va, i, v, pf, f FROM sample
       WHERE pdu = ? AND ts = (SELECT max(ts) FROM sample WHERE pdu = ?)`,
    ),
    spark: db.prepare<[number, number], { ts: number; p: number | null }>(
      'SELECT ts, p FROM sample WHERE pdu = ? AND outlet = 0 AND ts > ? ORDER BY ts',
    ),
    energySince: db.prepare<[number, number], { e: number | null; est: number | null }>(
      `SELECT sum(e) AS e, max(est) AS est FROM ${LEVEL_TABLE['1d']} WHERE pdu = ? AND ts >= ?`,
    ),
    // The day is inside the month: one scan of this month's daily rows (outlets packed) gives both.
    monthDays: db
      .prepare<[number, number], [number, Buffer]>(
        `SELECT ts, outlets FROM ${LEVEL_TABLE['1d']} WHERE pdu = ? AND ts >= ? ORDER BY ts`,
      )
      .raw(true),
  };

  /** Energy per outlet today and this month, mWh, from the month's daily rollups. */
  const outletEnergy = (pdu: number, dayStart: number, monthStart: number) => {
    const today: number[] = [];
    const month: number[] = [];
    let agg: Float64Array | undefined;
    for (const [ts, blob] of q.monthDays.iterate(pdu, monthStart) as IterableIterator<[number, Buffer]>) {
      if (blob.length === 0) continue;
      const d = decodeOutlets(blob, agg);
      agg = d.agg;
      for (let o = 1; o <= d.slots; o++) {
        const k = o * FIELDS;
        if (agg[k + F_HAS] === 0) continue;
        const e = agg[k + F_E] as number;
        month[o] = (month[o] ?? 0) + e;
        if (ts >= dayStart) today[o] = (today[o] ?? 0) + e;
      }
    }
    return month.flatMap((m, outlet) =>
      m === undefined ? [] : [{ outlet, todayKwh: (today[outlet] ?? 0) / 1e6, monthKwh: m / 1e6 }],
    );
  };
  // The total's maximum in a range; a rollup row's own columns are the inlet's (schema migration 4).
  const maxIn = (level: Level | 'raw') =>
    db.prepare<[number, number, number], { ts: number; px: number }>(
      level === 'raw'
        ? `SELECT ts, p AS px FROM sample WHERE pdu = ? AND ts >= ? AND ts < ? AND outlet = 0
           AND p IS NOT NULL ORDER BY p DESC, ts LIMIT 1`
        : `SELECT ts, px FROM ${LEVEL_TABLE[level]} WHERE pdu = ? AND ts >= ? AND ts < ?
           AND px IS NOT NULL ORDER BY px DESC, ts LIMIT 1`,
    );
  const peakStmts = (['1d', '1h', '15m', 'raw'] as const).map((l) => [l, maxIn(l)] as const);

  const info = (r: Record<string, string | number | null>): PduInfo => ({
    id: String(r.key),
    source: String(r.source),
    unit: Number(r.unit),
    name: String(r.name),
    model: String(r.model),
    serial: String(r.serial),
    firmware: String(r.firmware),
    outletCount: Number(r.outlet_count),
    firstTime: r.first_ts === null ? null : Number(r.first_ts) * 1000,
    lastTime: r.last_ts === null ? null : Number(r.last_ts) * 1000,
    offlineSince: r.offline_since === null ? null : Number(r.offline_since) * 1000,
  });

  const row = (key: string) => {
    const r = q.pdu.get(key);
    if (!r) throw new RangeError(`unknown pdu ${key}`);
    return { id: Number(r.id), info: info(r) };
  };

  /**
   * The total's peak in [from, to): the highest daily maximum, then the highest hour inside that
   * day, the highest 15 minutes inside that hour, and the raw sample when it is still kept: a few
   * short index range scans instead of a scan of every sample, exact because each bucket's max is the
   * max of its parts. Short ranges start at a finer level. A coarse bucket straddling `from` is
   * refined only within the range, so the peak reported is always inside [from, to).
   */
  const peakTotal = (pdu: number, from: number, to: number): Peak | null => {
    const span = to - from;
    const first = span > 35 * 86_400 ? 0 : span > 3 * 86_400 ? 1 : 2;
    let best: Peak | null = null;
    let lo = from;
    let hi = to;
    for (const [level, stmt] of peakStmts.slice(first)) {
      const r = stmt.get(pdu, level === 'raw' ? lo : bucketStart(level, lo), hi);
      if (!r) break;
      const at = Math.max(r.ts, from);
      if (level === '15m' || level === 'raw') best = { outlet: 0, power: r.px / 10, time: at * 1000 };
      lo = at;
      if (level !== 'raw') hi = Math.min(to, r.ts + (level === '1d' ? 90_000 : level === '1h' ? 3600 : 900));
    }
    return best;
  };

  const outlets = (key: string): OutletInfo[] => {
    const { id } = row(key);
    const energy = energyStore.unit(id);
    const last = new Map(q.latest.all(id, id).map((s) => [s.outlet, s]));
    return q.outlets.all(id).map((o) => {
      const s = last.get(o.outlet);
      const e = energy.get(o.outlet);
      return {
        outlet: o.outlet,
        label: o.label,
        name: o.name,
        state: o.state === 1 ? 'on' : o.state === 0 ? 'off' : null,
        energyKwh: (e?.total ?? 0) / 1e6,
        estimated: e?.est ?? false,
        last: s ? lastValues(s) : null,
      };
    });
  };

  const cards = (key: string, nowMs: number): Cards => {
    const { id, info: pdu } = row(key);
    const now = Math.floor(nowMs / 1000);
    const latest = q.latest.all(id, id);
    const inlet = latest.find((s) => s.outlet === 0);
    const spark = q.spark.all(id, now - 3600);
    const today = q.energySince.get(id, localDayStart(now));
    const month = q.energySince.get(id, localMonthStart(now));
    const states = q.outlets.all(id);
    return {
      pdu,
      powerW: inlet ? div(inlet.p, 10) : null,
      time: inlet ? inlet.ts * 1000 : null,
      sparkline: { times: spark.map((s) => s.ts * 1000), power: spark.map((s) => div(s.p, 10)) },
      energyTodayKwh: (today?.e ?? 0) / 1e6,
      energyMonthKwh: (month?.e ?? 0) / 1e6,
      estimated: (month?.est ?? 0) === 1,
      peakToday: peakTotal(id, localDayStart(now), now + 1),
      outletEnergy: outletEnergy(id, localDayStart(now), localMonthStart(now)),
      outletsOn: states.filter((s) => s.state === 1).length,
      outletsTotal: states.length,
      inlet: {
        voltage: inlet ? div(inlet.v, 10) : null,
        current: inlet ? div(inlet.i, 1000) : null,
        power_factor: inlet ? div(inlet.pf, 1000) : null,
        frequency: inlet ? div(inlet.f, 10) : null,
        apparent_power: inlet ? div(inlet.va, 10) : null,
      },
    };
  };

  const peaks = (query: RangeQuery, nowMs: number): Peak | null => {
    const r = resolveRange(query, nowMs);
    return peakTotal(row(query.pdu).id, r.from, r.to);
  };

  return { pdus: () => q.pdus.all().map(info), outlets, cards, peaks };
}
