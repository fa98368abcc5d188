import { HARDWARE_KINDS, type HardwareChannel, type HardwareKind, SCALE } from './hardware-channels.ts';
import type { StoredChannel } from './hardware-recorder.ts';
import type { HardwareScanner } from './hardware-scan.ts';
import { F_HAS, F_N, F_PN, F_PS, F_PX, FIELDS } from './packed.ts';
import { gridFor, gridStepMs, powerResolution, type RangeQuery, resolveRange } from './range.ts';
import type { Visit } from './scan.ts';
import type { Resolution } from './time.ts';

/**
 * The chart of one kind of hardware series (lines, protectors or external sensors) of a unit: per
 * series its average, minimum and maximum per point, from the same resolution the power chart reads
 * for the range (range.ts: hour raw, day 15 minutes, week hourly, month and year daily).
 */

export interface HardwareQuery extends RangeQuery {
  kind: HardwareKind;
  /** At most this many points (default 500). */
  maxPoints?: number;
}

export interface HardwareLine extends HardwareChannel {
  /** Per point, in `unit`; null where nothing was recorded (a gap, never zero). */
  avg: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
}

export interface HardwareSeries {
  pdu: string;
  kind: HardwareKind;
  period: string;
  resolution: Resolution;
  stepMs: number;
  from: number;
  to: number;
  times: number[];
  series: HardwareLine[];
}

export interface HardwareContext {
  scan: HardwareScanner['scan'];
  pduId: (key: string) => number | undefined;
  channels: (pdu: number) => readonly StoredChannel[];
  nowMs: number;
  rawFrom: number;
}

const value = (x: number) => (Number.isNaN(x) ? null : Math.round(x) / SCALE);

export function hardwareSeries(ctx: HardwareContext, q: HardwareQuery): HardwareSeries {
  if (!HARDWARE_KINDS.includes(q.kind))
    throw new RangeError(`kind must be one of ${HARDWARE_KINDS.join(', ')}`);
  const maxPoints = Math.max(1, Math.min(5000, Math.floor(q.maxPoints ?? 500)));
  const r = resolveRange(q, ctx.nowMs);
  const res = powerResolution(r, ctx.rawFrom);
  const grid = gridFor(res, r, maxPoints, 60);
  const len = grid.starts.length;
  const first = grid.starts[0] ?? r.from;
  const id = ctx.pduId(q.pdu);
  const wanted = id === undefined ? [] : ctx.channels(id).filter((c) => c.kind === q.kind);
  // Per wanted channel, per point: samples, sum, min, max (NaN: none), merged as series.ts merges buckets.
  const n = wanted.map(() => new Float64Array(len));
  const sum = wanted.map(() => new Float64Array(len));
  const min = wanted.map(() => new Float64Array(len).fill(Number.NaN));
  const max = wanted.map(() => new Float64Array(len).fill(Number.NaN));
  const visit: Visit = (ts, agg, slots) => {
    const i = grid.indexOf(ts);
    if (i < 0) return;
    wanted.forEach((c, w) => {
      if (c.ch > slots) return;
      const k = c.ch * FIELDS;
      if (agg[k + F_HAS] === 0 || agg[k + F_N] === 0) return;
      const cn = n[w] as Float64Array;
      const cs = sum[w] as Float64Array;
      cn[i] = (cn[i] as number) + (agg[k + F_N] as number);
      cs[i] = (cs[i] as number) + (agg[k + F_PS] as number);
      const lo = min[w] as Float64Array;
      const hi = max[w] as Float64Array;
      const pn = agg[k + F_PN] as number;
      const px = agg[k + F_PX] as number;
      if (!((lo[i] as number) <= pn)) lo[i] = pn;
      if (!((hi[i] as number) >= px)) hi[i] = px;
    });
  };
  if (id !== undefined && wanted.length > 0) ctx.scan(id, res, first - 1, r.to, Infinity, visit);
  const points = (f: (i: number) => number | null) => Array.from({ length: len }, (_, i) => f(i));
  // A series with nothing in the range (a probe unplugged long ago) is not drawn.
  const series = wanted.flatMap((c, w): HardwareLine[] =>
    (n[w] as Float64Array).every((k) => k === 0)
      ? []
      : [
          {
            kind: c.kind,
            key: c.key,
            field: c.field,
            unit: c.unit,
            name: c.name,
            avg: points((i) => {
              const k = (n[w] as Float64Array)[i] as number;
              return k > 0 ? value(((sum[w] as Float64Array)[i] as number) / k) : null;
            }),
            min: points((i) => value((min[w] as Float64Array)[i] as number)),
            max: points((i) => value((max[w] as Float64Array)[i] as number)),
          },
        ],
  );
  const stepMs = gridStepMs(res, r, grid);
  return {
    pdu: q.pdu,
    kind: q.kind,
    period: r.period,
    resolution: res,
    stepMs,
    from: r.from * 1000,
    to: r.to * 1000,
    times: grid.starts.map((t) => t * 1000),
    series,
  };
}
