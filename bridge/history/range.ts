import { PERIODS, type Period } from '../facts/periods.ts';
import { calendarGrid, fixedGrid, type Grid, NOMINAL_S, type Resolution } from './time.ts';

/** Turning a period or a custom range into time bounds, a resolution and the rows behind it. */

export { PERIODS, type Period, type View } from '../facts/periods.ts';

const PERIOD_S: Record<Period, number> = {
  hour: 3600,
  day: 86_400,
  week: 7 * 86_400,
  month: 30 * 86_400,
  year: 365 * 86_400,
};

export interface RangeQuery {
  /** PduReading id ('pdu1'). */
  pdu: string;
  /** A rolling window ending now; or give `from`/`to` (ms) for a custom range. */
  period?: Period;
  from?: number;
  to?: number;
}

export interface ResolvedRange {
  period: Period | 'custom';
  /** Seconds, [from, to). */
  from: number;
  to: number;
}

/** Bad input is a RangeError with a message meant for the HTTP 400 body. */
export function resolveRange(q: RangeQuery, nowMs: number): ResolvedRange {
  const now = Math.floor(nowMs / 1000) + 1;
  if (q.period !== undefined) {
    if (!PERIODS.includes(q.period)) throw new RangeError(`period must be one of ${PERIODS.join(', ')}`);
    return { period: q.period, from: now - PERIOD_S[q.period], to: now };
  }
  const { from, to } = q;
  if (typeof from !== 'number' || typeof to !== 'number' || !Number.isFinite(from) || !Number.isFinite(to)) {
    throw new RangeError('give a period, or from and to (ms since the epoch)');
  }
  if (to <= from) throw new RangeError('to must be after from');
  if (to - from > 20 * 366 * 86_400_000) throw new RangeError('range longer than 20 years');
  return { period: 'custom', from: Math.floor(from / 1000), to: Math.ceil(to / 1000) };
}

/** The day view uses 15-minute points, the week hourly, month and year daily (docs/panel.md). */
export function powerResolution(r: ResolvedRange, rawFrom: number): Resolution {
  const span = r.to - r.from;
  if (r.period === 'hour' || (r.period === 'custom' && span <= 6 * 3600 && r.from >= rawFrom)) return 'raw';
  if (r.period === 'day' || (r.period === 'custom' && span <= 3 * 86_400)) return '15m';
  if (r.period === 'week' || (r.period === 'custom' && span <= 35 * 86_400)) return '1h';
  return '1d';
}

/** Energy bars: hourly for a day, daily for a week or a month, monthly for a year (docs/panel.md). */
export function energyResolution(r: ResolvedRange, rawFrom: number): Resolution {
  const span = r.to - r.from;
  if (r.period === 'hour' || (r.period === 'custom' && span <= 6 * 3600))
    return r.from >= rawFrom ? 'raw' : '15m';
  if (r.period === 'day' || (r.period === 'custom' && span <= 3 * 86_400)) return '1h';
  if (r.period === 'week' || r.period === 'month' || (r.period === 'custom' && span <= 92 * 86_400))
    return '1d';
  return '1mo';
}

/** Raw data is bucketed to whole minutes at least (polls may be every 10 s); energy bars to 5 minutes. */
export function gridFor(res: Resolution, r: ResolvedRange, maxPoints: number, rawMinStep = 60): Grid {
  if (res === 'raw') {
    const step = Math.max(rawMinStep, Math.ceil((r.to - r.from) / maxPoints / 60) * 60);
    return fixedGrid(step, r.from, r.to);
  }
  return calendarGrid(res, r.from, r.to, maxPoints);
}

/**
 * The step between a series' points, ms, as the panel labels its axis: a raw grid's fixed step, or a
 * calendar grid's mean step over the range (months differ), its nominal one for a single bucket.
 */
export function gridStepMs(res: Resolution, r: ResolvedRange, grid: Grid): number {
  const first = grid.starts[0] ?? r.from;
  return res === 'raw' || grid.starts.length < 2
    ? ((grid.starts[1] ?? first + NOMINAL_S[res]) - first) * 1000
    : Math.round(((r.to - first) / grid.starts.length) * 1000);
}
