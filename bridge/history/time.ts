/**
 * Bucket arithmetic. Time is integer seconds. 15-minute and hourly buckets are aligned to the epoch;
 * days and months follow the process's local calendar (TZ), so "today" and "this month" are the
 * user's, DST days included (23 or 25 hours).
 */

export type Level = '15m' | '1h' | '1d';
export type Resolution = 'raw' | Level | '1mo';

export const LEVELS: readonly Level[] = ['15m', '1h', '1d'];
/** The rollup tables (schema migration 4): one row per unit and bucket, outlets packed (packed.ts). */
export const LEVEL_TABLE: Record<Level, string> = {
  '15m': 'rollup_15m',
  '1h': 'rollup_1h',
  '1d': 'rollup_1d',
};
/** Nominal length, seconds (a day may really be 23 or 25 hours). */
export const NOMINAL_S: Record<Resolution, number> = {
  raw: 60,
  '15m': 900,
  '1h': 3600,
  '1d': 86_400,
  '1mo': 30 * 86_400,
};

export function localDayStart(ts: number): number {
  const d = new Date(ts * 1000);
  d.setHours(0, 0, 0, 0);
  return d.getTime() / 1000;
}

export function localMonthStart(ts: number): number {
  const d = new Date(ts * 1000);
  d.setDate(1);
  d.setHours(0, 0, 0, 0);
  return d.getTime() / 1000;
}

function addLocalDays(ts: number, days: number): number {
  const d = new Date(ts * 1000);
  d.setDate(d.getDate() + days);
  d.setHours(0, 0, 0, 0);
  return d.getTime() / 1000;
}

function addLocalMonths(ts: number, months: number): number {
  const d = new Date(ts * 1000);
  d.setMonth(d.getMonth() + months, 1);
  d.setHours(0, 0, 0, 0);
  return d.getTime() / 1000;
}

export function bucketStart(res: Resolution, ts: number): number {
  switch (res) {
    case 'raw':
      return ts;
    case '15m':
      return ts - (((ts % 900) + 900) % 900);
    case '1h':
      return ts - (((ts % 3600) + 3600) % 3600);
    case '1d':
      return localDayStart(ts);
    case '1mo':
      return localMonthStart(ts);
  }
}

export function nextBucket(res: Resolution, start: number): number {
  if (res === '1d') return addLocalDays(start, 1);
  if (res === '1mo') return addLocalMonths(start, 1);
  return start + (res === 'raw' ? 60 : NOMINAL_S[res]);
}

/** Caches the current local day so a year of polls does not build a Date each. */
export function createDayBucketer(): (ts: number) => number {
  let start = Number.NaN;
  let end = Number.NaN;
  return (ts) => {
    if (!(ts >= start && ts < end)) {
      start = localDayStart(ts);
      end = addLocalDays(start, 1);
    }
    return start;
  };
}

/**
 * The points of a chart: cell starts covering [from, to), each cell `group` native buckets (or
 * `stepS` seconds for raw data), and a function mapping a row's ts to its cell (-1: outside).
 */
export interface Grid {
  starts: number[];
  indexOf: (ts: number) => number;
}

export function fixedGrid(stepS: number, from: number, to: number): Grid {
  const first = Math.floor(from / stepS) * stepS;
  const starts: number[] = [];
  for (let t = first; t < to; t += stepS) starts.push(t);
  return {
    starts,
    indexOf: (ts) => {
      const i = Math.floor((ts - first) / stepS);
      return i >= 0 && i < starts.length ? i : -1;
    },
  };
}

export function calendarGrid(res: Resolution, from: number, to: number, maxPoints: number): Grid {
  if (res !== '1d' && res !== '1mo') {
    const native = NOMINAL_S[res];
    const count = Math.ceil((to - from) / native);
    return fixedGrid(native * Math.max(1, Math.ceil(count / maxPoints)), from, to);
  }
  const native: number[] = [];
  for (let t = bucketStart(res, from); t < to; t = nextBucket(res, t)) native.push(t);
  const group = Math.max(1, Math.ceil(native.length / maxPoints));
  const starts = native.filter((_, i) => i % group === 0);
  const end = nextBucket(res, native[native.length - 1] ?? from);
  return {
    starts,
    indexOf: (ts) => {
      if (starts.length === 0 || ts < (starts[0] ?? 0) || ts >= end) return -1;
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((starts[mid] ?? 0) <= ts) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    },
  };
}
