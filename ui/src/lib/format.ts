/** Numbers and times as the panel shows them: fixed decimals per unit, so widths do not jump. */

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

/** kWh: two decimals, none from 1000 kWh on. */
export const kwh = (v: number | null | undefined) =>
  num(v, v !== null && v !== undefined && v >= 1000 ? 0 : 2);

// Hours without a leading zero and without seconds ("7:55 PM", "19:55"): the locale decides 12/24 h.
const hm = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const h = new Intl.DateTimeFormat(undefined, { hour: 'numeric' });
const wd = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
/** "Tue 24": the weekday and the day of the month (Intl alone orders them "24 Tue" in en-US). */
const weekday = { format: (ms: number) => `${wd.format(ms)} ${new Date(ms).getDate()}` };
const date = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const month = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dayTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
});

const DAY = 86_400_000;
const sameDay = (a: number, b: number) => new Date(a).toDateString() === new Date(b).toDateString();

/** A time of day ("7:55 PM"); with the date when it is not today ("Nov 30, 7:55 PM"). */
export function clock(ms: number | null | undefined, now = Date.now()): string {
  if (!ms) return '–';
  return sameDay(ms, now) ? hm.format(ms) : dayTime.format(ms);
}
export const fullTime = (ms: number) => full.format(ms);

/** Decimals that tell ticks `step` apart (0.005 apart: three), never more than four. */
export const decimalsFor = (step: number) =>
  step > 0 ? Math.min(4, Math.max(0, -Math.floor(Math.log10(step) + 1e-9))) : 0;

/** An axis tick with its unit, as precise as the step; kW on an axis that reaches 1000 W. */
export function tickW(v: number, step: number, max = v): string {
  return Math.abs(max) >= 1000
    ? `${num(v / 1000, decimalsFor(step / 1000))} kW`
    : `${num(v, decimalsFor(step))} W`;
}
export const tickKwh = (v: number, step: number) => `${num(v, decimalsFor(step))} kWh`;

/** "6 AM" on the hour, "6:30 AM" otherwise: short enough for a phone's axis. */
function shortTime(ms: number): string {
  return new Date(ms).getMinutes() === 0 ? h.format(ms) : hm.format(ms);
}

const isMidnight = (ms: number) => {
  const d = new Date(ms);
  return d.getHours() === 0 && d.getMinutes() === 0;
};

/**
 * Axis labels by the span the chart covers and the step of its points: a time inside a day, a date at
 * midnight ("Tue 24" within a week, "Nov 24" beyond), the month for monthly bars. Never a date-less
 * time across days (two bars both "Tue 12:00 AM").
 */
export function axisLabel(ms: number, spanMs: number, stepMs: number): string {
  if (stepMs >= 28 * DAY) return month.format(ms);
  if (stepMs >= DAY || isMidnight(ms)) return spanMs <= 8 * DAY ? weekday.format(ms) : date.format(ms);
  if (spanMs <= 1.5 * DAY) return shortTime(ms);
  return `${weekday.format(ms)} ${shortTime(ms)}`;
}

export function ago(ms: number | null, now: number): string {
  if (!ms) return 'never';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < DAY / 1000) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} days ago`;
}
