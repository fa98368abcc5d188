/** Numbers as the panel shows them: fixed decimals per unit, so widths do not jump. */

const nf = new Map<number, Intl.NumberFormat>();
function fmt(digits: number): Intl.NumberFormat {
  let f = nf.get(digits);
  if (!f) {
    f = new Intl.NumberFormat(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    nf.set(digits, f);
  }
  return f;
}

export const num = (v: number | null | undefined, digits = 0): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : fmt(digits).format(v);

/** Watts below 10 kW as W, above as kW. */
export function power(w: number | null | undefined): { value: string; unit: string } {
  if (w === null || w === undefined) return { value: '–', unit: 'W' };
  return Math.abs(w) >= 10_000 ? { value: num(w / 1000, 2), unit: 'kW' } : { value: num(w, 0), unit: 'W' };
}

export const kwh = (v: number | null | undefined) =>
  num(v, v !== null && v !== undefined && v >= 1000 ? 0 : 2);

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const hm = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayHm = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
const date = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const month = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const clock = (ms: number | null | undefined) => (ms ? time.format(ms) : '–');
export const clockShort = (ms: number | null | undefined) => (ms ? hm.format(ms) : '–');
export const fullTime = (ms: number) => full.format(ms);

/** Axis labels by the span the chart covers. */
export function axisLabel(ms: number, spanMs: number, stepMs: number): string {
  if (stepMs >= 28 * 86_400_000) return month.format(ms);
  if (spanMs <= 86_400_000 * 1.5) return hm.format(ms);
  if (spanMs <= 8 * 86_400_000) return dayHm.format(ms);
  return date.format(ms);
}

export function ago(ms: number | null, now: number): string {
  if (!ms) return 'never';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}
