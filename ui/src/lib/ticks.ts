/** Tick times for the time axes, on round local times. Pure. */

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const STEPS = [
  5 * MIN,
  15 * MIN,
  30 * MIN,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
];

/** Tick times at a round step in local time; months for spans beyond a few months. */
export function timeTicks(min: number, max: number, count: number): number[] {
  const span = max - min;
  // Whole ticks that fit: a day view's span is a day and a cell (24 h 15 min), still 4 ticks of 6 h.
  const step = STEPS.find((s) => Math.floor(span / s) <= count);
  const out: number[] = [];
  if (step === undefined) {
    const months = Math.max(1, Math.ceil(span / (30 * DAY) / count));
    const d = new Date(min);
    d.setDate(1);
    d.setHours(0, 0, 0, 0);
    for (d.setMonth(d.getMonth() + 1); d.getTime() <= max; d.setMonth(d.getMonth() + months))
      out.push(d.getTime());
    return out;
  }
  if (step >= DAY) {
    // Whole local days (a DST day is 23 or 25 h long): step by the calendar, not by 24 h of ms.
    const d = new Date(min);
    d.setHours(24, 0, 0, 0);
    for (; d.getTime() <= max; d.setDate(d.getDate() + step / DAY)) out.push(d.getTime());
    return out;
  }
  const offset = new Date(min).getTimezoneOffset() * MIN;
  for (let t = Math.ceil((min - offset) / step) * step + offset; t <= max; t += step) out.push(t);
  return out;
}
