import { F_E, F_EST, F_HAS, F_N, F_PN, F_PS, F_PX, FIELDS } from './packed.ts';
import {
  energyResolution,
  gridFor,
  powerResolution,
  type RangeQuery,
  resolveRange,
  type View,
} from './range.ts';
import type { Scanner, Visit } from './scan.ts';
import { NOMINAL_S, type Resolution } from './time.ts';

/** Power and energy series for the panel's charts, built from rollups (raw samples only for an hour). */

export interface OutletMeta {
  outlet: number;
  label: string;
  name: string;
}

export interface PowerLine extends OutletMeta {
  /** Average power per point, W; null where nothing was recorded (a gap, never zero). */
  avg: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
  /** Energy over the whole range, kWh (orders "top consumers first"). */
  energyKwh: number;
}

export interface EnergyLine extends OutletMeta {
  /** kWh per interval; null where nothing was recorded. */
  kwh: (number | null)[];
  totalKwh: number;
  /** Some of this line was integrated from power (the PDU has no energy counter). */
  estimated: boolean;
}

interface SeriesBase {
  pdu: string;
  period: string;
  resolution: Resolution;
  /** Nominal spacing of the points, ms. */
  stepMs: number;
  from: number;
  to: number;
  /** Point (interval) start times, ms. */
  times: number[];
}

export interface PowerSeries extends SeriesBase {
  lines: PowerLine[];
}

export interface EnergySeries extends SeriesBase {
  lines: EnergyLine[];
  totalKwh: number;
}

export interface SeriesQuery extends RangeQuery {
  view?: View;
  /** Power series are downsampled to at most this many points (default 500). */
  maxPoints?: number;
}

export interface SeriesContext {
  scan: Scanner['scan'];
  pduId: (key: string) => number | undefined;
  meta: (pdu: number) => Map<number, OutletMeta>;
  nowMs: number;
  rawFrom: number;
}

/** One line's cells; pn / px NaN where nothing was recorded. */
interface Acc {
  n: Float64Array;
  ps: Float64Array;
  pn: Float64Array;
  px: Float64Array;
  e: Float64Array;
  has: Uint8Array;
  est: boolean;
}

function newAcc(len: number): Acc {
  return {
    n: new Float64Array(len),
    ps: new Float64Array(len),
    pn: new Float64Array(len).fill(Number.NaN),
    px: new Float64Array(len).fill(Number.NaN),
    e: new Float64Array(len),
    has: new Uint8Array(len),
    est: false,
  };
}

function collect(ctx: SeriesContext, q: SeriesQuery, pick: typeof powerResolution, rawStepS: number) {
  const maxPoints = Math.max(1, Math.min(5000, Math.floor(q.maxPoints ?? 500)));
  const r = resolveRange(q, ctx.nowMs);
  const view = q.view ?? 'total';
  if (view !== 'total' && view !== 'ports') throw new RangeError('view must be total or ports');
  // A unit the history has never recorded (a configured PDU that never answered) has no data in any
  // range: an empty series. Whether the unit exists at all is the caller's question (bridge/http).
  const id = ctx.pduId(q.pdu);
  const res = pick(r, ctx.rawFrom);
  const grid = gridFor(res, r, maxPoints, rawStepS);
  const len = grid.starts.length;
  const lines: (Acc | undefined)[] = [];
  const first = grid.starts[0] ?? r.from;
  const visit: Visit = (ts, agg, slots) => {
    const i = grid.indexOf(ts);
    if (i < 0) return;
    for (let c = 0; c <= slots; c++) {
      const k = c * FIELDS;
      if (agg[k + F_HAS] === 0) continue;
      let a = lines[c];
      if (!a) {
        a = newAcc(len);
        lines[c] = a;
      }
      a.has[i] = 1;
      a.n[i] = (a.n[i] as number) + (agg[k + F_N] as number);
      a.ps[i] = (a.ps[i] as number) + (agg[k + F_PS] as number);
      const pn = agg[k + F_PN] as number;
      const px = agg[k + F_PX] as number;
      if (pn < (a.pn[i] as number) || Number.isNaN(a.pn[i] as number)) a.pn[i] = pn;
      if (px > (a.px[i] as number) || Number.isNaN(a.px[i] as number)) a.px[i] = px;
      a.e[i] = (a.e[i] as number) + (agg[k + F_E] as number);
      if (agg[k + F_EST]) a.est = true;
    }
  };
  if (id !== undefined) ctx.scan(id, res, view, first - 1, r.to, Infinity, visit);
  const accs = lines.flatMap((a, outlet) => (a ? [[outlet, a] as const] : []));
  const meta = id === undefined ? new Map<number, OutletMeta>() : ctx.meta(id);
  const stepMs =
    res === 'raw' || grid.starts.length < 2
      ? ((grid.starts[1] ?? first + NOMINAL_S[res]) - first) * 1000
      : Math.round(((r.to - first) / len) * 1000);
  const base: SeriesBase = {
    pdu: q.pdu,
    period: r.period,
    resolution: res,
    stepMs,
    from: r.from * 1000,
    to: r.to * 1000,
    times: grid.starts.map((t) => t * 1000),
  };
  const outletMeta = (outlet: number): OutletMeta =>
    outlet === 0
      ? { outlet: 0, label: 'total', name: 'Total' }
      : (meta.get(outlet) ?? { outlet, label: `${outlet}`, name: '' });
  return { base, accs, outletMeta, view };
}

const w = (dw: number) => (Number.isNaN(dw) ? null : Math.round(dw) / 10);
const kwh = (mwh: number) => Math.round(mwh) / 1e6;
const sum = (xs: Float64Array) => xs.reduce((s, v) => s + v, 0);

/** A chart's points from a line's cells: null where nothing was recorded (a gap, never zero). */
function points(len: number, f: (i: number) => number | null): (number | null)[] {
  const out = new Array<number | null>(len);
  for (let i = 0; i < len; i++) out[i] = f(i);
  return out;
}

export function powerSeries(ctx: SeriesContext, q: SeriesQuery): PowerSeries {
  const { base, accs, outletMeta } = collect(ctx, q, powerResolution, 60);
  const len = base.times.length;
  const lines: PowerLine[] = accs.map(([outlet, a]) => ({
    ...outletMeta(outlet),
    avg: points(len, (i) => ((a.n[i] as number) > 0 ? w((a.ps[i] as number) / (a.n[i] as number)) : null)),
    min: points(len, (i) => w(a.pn[i] as number)),
    max: points(len, (i) => w(a.px[i] as number)),
    energyKwh: kwh(sum(a.e)),
  }));
  lines.sort((x, y) => y.energyKwh - x.energyKwh || x.outlet - y.outlet);
  return { ...base, lines };
}

export function energySeries(ctx: SeriesContext, q: SeriesQuery): EnergySeries {
  const { base, accs, outletMeta } = collect(ctx, q, energyResolution, 300);
  const len = base.times.length;
  const lines: EnergyLine[] = accs.map(([outlet, a]) => ({
    ...outletMeta(outlet),
    kwh: points(len, (i) => (a.has[i] ? kwh(a.e[i] as number) : null)),
    totalKwh: kwh(sum(a.e)),
    estimated: a.est,
  }));
  lines.sort((x, y) => y.totalKwh - x.totalKwh || x.outlet - y.outlet);
  const totalKwh = Math.round(lines.reduce((s, l) => s + l.totalKwh, 0) * 1e6) / 1e6;
  return { ...base, lines, totalKwh };
}
