import type { Db } from './db.ts';
import {
  energyResolution,
  gridFor,
  powerResolution,
  type RangeQuery,
  readRows,
  resolveRange,
  type View,
} from './range.ts';
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
  db: Db;
  pduId: (key: string) => number | undefined;
  meta: (pdu: number) => Map<number, OutletMeta>;
  nowMs: number;
  rawFrom: number;
}

interface Acc {
  n: number[];
  ps: number[];
  pn: (number | null)[];
  px: (number | null)[];
  e: number[];
  has: boolean[];
  est: boolean;
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
  const accs = new Map<number, Acc>();
  const first = grid.starts[0] ?? r.from;
  const rows = id === undefined ? [] : readRows(ctx.db, id, res, first, r.to, view);
  for (const [ts, outlet, n, ps, rpn, rpx, e, est] of rows) {
    const i = grid.indexOf(ts);
    if (i < 0) continue;
    let a = accs.get(outlet);
    if (!a) {
      a = {
        n: new Array(len).fill(0),
        ps: new Array(len).fill(0),
        pn: new Array(len).fill(null),
        px: new Array(len).fill(null),
        e: new Array(len).fill(0),
        has: new Array(len).fill(false),
        est: false,
      };
      accs.set(outlet, a);
    }
    a.has[i] = true;
    a.n[i] = (a.n[i] ?? 0) + n;
    a.ps[i] = (a.ps[i] ?? 0) + ps;
    const pn = a.pn[i] ?? null;
    const px = a.px[i] ?? null;
    if (rpn !== null && (pn === null || rpn < pn)) a.pn[i] = rpn;
    if (rpx !== null && (px === null || rpx > px)) a.px[i] = rpx;
    a.e[i] = (a.e[i] ?? 0) + e;
    if (est) a.est = true;
  }
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

const w = (dw: number | null) => (dw === null ? null : Math.round(dw) / 10);
const kwh = (mwh: number) => Math.round(mwh) / 1e6;

export function powerSeries(ctx: SeriesContext, q: SeriesQuery): PowerSeries {
  const { base, accs, outletMeta } = collect(ctx, q, powerResolution, 60);
  const lines: PowerLine[] = [...accs].map(([outlet, a]) => ({
    ...outletMeta(outlet),
    avg: a.n.map((n, i) => (n > 0 ? w((a.ps[i] ?? 0) / n) : null)),
    min: a.pn.map(w),
    max: a.px.map(w),
    energyKwh: kwh(a.e.reduce((s, v) => s + v, 0)),
  }));
  lines.sort((x, y) => y.energyKwh - x.energyKwh || x.outlet - y.outlet);
  return { ...base, lines };
}

export function energySeries(ctx: SeriesContext, q: SeriesQuery): EnergySeries {
  const { base, accs, outletMeta } = collect(ctx, q, energyResolution, 300);
  const lines: EnergyLine[] = [...accs].map(([outlet, a]) => ({
    ...outletMeta(outlet),
    kwh: a.e.map((e, i) => (a.has[i] ? kwh(e) : null)),
    totalKwh: kwh(a.e.reduce((s, v) => s + v, 0)),
    estimated: a.est,
  }));
  lines.sort((x, y) => y.totalKwh - x.totalKwh || x.outlet - y.outlet);
  const totalKwh = Math.round(lines.reduce((s, l) => s + l.totalKwh, 0) * 1e6) / 1e6;
  return { ...base, lines, totalKwh };
}
