import { F_E, F_EST, F_HAS, F_N, F_PN, F_PS, F_PX, FIELDS } from './packed.ts';
import {
  energyResolution,
  gridFor,
  gridStepMs,
  powerResolution,
  type RangeQuery,
  resolveRange,
  type View,
} from './range.ts';
import type { Scanner, Visit } from './scan.ts';
import type { Resolution } from './time.ts';

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

/**
 * Every line's cells in one set of arrays, channel c's point i at c * len + i: a query allocates six
 * arrays, not six per line (36 outlets, 216 typed arrays, were a tenth of a year view's cost). pn / px
 * are NaN where nothing was recorded; `est` is per channel.
 */
interface Cells {
  len: number;
  /** Channels the arrays have room for. */
  channels: number;
  n: Float64Array;
  ps: Float64Array;
  pn: Float64Array;
  px: Float64Array;
  e: Float64Array;
  has: Uint8Array;
  est: Uint8Array;
  /** Channels with any data. */
  seen: Uint8Array;
}

function newCells(len: number, channels: number, from?: Cells): Cells {
  const size = len * channels;
  const c: Cells = {
    len,
    channels,
    n: new Float64Array(size),
    ps: new Float64Array(size),
    pn: new Float64Array(size).fill(Number.NaN),
    px: new Float64Array(size).fill(Number.NaN),
    e: new Float64Array(size),
    has: new Uint8Array(size),
    est: new Uint8Array(channels),
    seen: new Uint8Array(channels),
  };
  if (from) {
    for (const k of ['n', 'ps', 'pn', 'px', 'e', 'has', 'est', 'seen'] as const) c[k].set(from[k]);
  }
  return c;
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
  // Sized on the first visit, which tells the unit's channels.
  let cells = newCells(len, 1);
  const first = grid.starts[0] ?? r.from;
  const visit: Visit = (ts, agg, slots) => {
    const i = grid.indexOf(ts);
    if (i < 0) return;
    if (slots >= cells.channels) cells = newCells(len, Math.max(slots + 1, 2 * cells.channels), cells);
    const { n, ps, pn, px, e, has, est, seen } = cells;
    for (let c = 0; c <= slots; c++) {
      const k = c * FIELDS;
      if (agg[k + F_HAS] === 0) continue;
      const j = c * len + i;
      seen[c] = 1;
      has[j] = 1;
      n[j] = (n[j] as number) + (agg[k + F_N] as number);
      ps[j] = (ps[j] as number) + (agg[k + F_PS] as number);
      const apn = agg[k + F_PN] as number;
      const apx = agg[k + F_PX] as number;
      if (apn < (pn[j] as number) || Number.isNaN(pn[j] as number)) pn[j] = apn;
      if (apx > (px[j] as number) || Number.isNaN(px[j] as number)) px[j] = apx;
      e[j] = (e[j] as number) + (agg[k + F_E] as number);
      if (agg[k + F_EST]) est[c] = 1;
    }
  };
  if (id !== undefined) ctx.scan(id, res, view, first - 1, r.to, Infinity, visit);
  const channels: number[] = [];
  for (let c = 0; c < cells.channels; c++) if (cells.seen[c]) channels.push(c);
  const meta = id === undefined ? new Map<number, OutletMeta>() : ctx.meta(id);
  const stepMs = gridStepMs(res, r, grid);
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
  return { base, cells, channels, outletMeta, view };
}

const w = (dw: number) => (Number.isNaN(dw) ? null : Math.round(dw) / 10);
const kwh = (mwh: number) => Math.round(mwh) / 1e6;

/** A channel's energy over the whole range, mWh. */
function total(cells: Cells, c: number): number {
  let sum = 0;
  for (let j = c * cells.len, end = j + cells.len; j < end; j++) sum += cells.e[j] as number;
  return sum;
}

export function powerSeries(ctx: SeriesContext, q: SeriesQuery): PowerSeries {
  const { base, cells, channels, outletMeta } = collect(ctx, q, powerResolution, 60);
  const { len, n, ps, pn, px } = cells;
  const lines: PowerLine[] = channels.map((c) => {
    // Plain loops into preallocated arrays: three points per line and interval (a year of 36 outlets
    // is 40,000), where a callback per point cost more than reading the rows.
    const avg = new Array<number | null>(len);
    const min = new Array<number | null>(len);
    const max = new Array<number | null>(len);
    for (let i = 0, j = c * len; i < len; i++, j++) {
      const nj = n[j] as number;
      avg[i] = nj > 0 ? w((ps[j] as number) / nj) : null;
      min[i] = w(pn[j] as number);
      max[i] = w(px[j] as number);
    }
    return { ...outletMeta(c), avg, min, max, energyKwh: kwh(total(cells, c)) };
  });
  lines.sort((x, y) => y.energyKwh - x.energyKwh || x.outlet - y.outlet);
  return { ...base, lines };
}

export function energySeries(ctx: SeriesContext, q: SeriesQuery): EnergySeries {
  const { base, cells, channels, outletMeta } = collect(ctx, q, energyResolution, 300);
  const { len, e, has } = cells;
  const lines: EnergyLine[] = channels.map((c) => {
    const points = new Array<number | null>(len);
    for (let i = 0, j = c * len; i < len; i++, j++) points[i] = has[j] ? kwh(e[j] as number) : null;
    return { ...outletMeta(c), kwh: points, totalKwh: kwh(total(cells, c)), estimated: cells.est[c] === 1 };
  });
  lines.sort((x, y) => y.totalKwh - x.totalKwh || x.outlet - y.outlet);
  const totalKwh = Math.round(lines.reduce((s, l) => s + l.totalKwh, 0) * 1e6) / 1e6;
  return { ...base, lines, totalKwh };
}
