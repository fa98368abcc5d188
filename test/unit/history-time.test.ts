import { describe, expect, it } from 'vitest';
import {
  calendarGrid,
  createDayBucketer,
  fixedGrid,
  localDayStart,
  nextBucket,
} from '../../bridge/history/time.ts';

describe('history buckets', () => {
  it('aligns 15-minute and hourly buckets and steps days on the local calendar', () => {
    const ts = Date.UTC(2025, 2, 10, 13, 37, 12) / 1000;
    const d = new Date(localDayStart(ts) * 1000);
    expect([d.getHours(), d.getMinutes(), d.getSeconds()]).toEqual([0, 0, 0]);
    expect(new Date(nextBucket('1d', localDayStart(ts)) * 1000).getDate()).toBe(
      new Date((localDayStart(ts) + 36 * 3600) * 1000).getDate(),
    );
    const day = createDayBucketer();
    expect(day(ts)).toBe(localDayStart(ts));
    expect(day(ts + 86_400)).toBe(localDayStart(ts + 86_400));
  });

  it('maps times to grid cells and nothing outside', () => {
    const g = fixedGrid(900, 1000, 1000 + 3600);
    expect(g.starts[0]).toBe(900);
    expect(g.indexOf(900)).toBe(0);
    expect(g.indexOf(1799)).toBe(0);
    expect(g.indexOf(1800)).toBe(1);
    expect(g.indexOf(899)).toBe(-1);
    expect(g.indexOf(1000 + 3600 + 900)).toBe(-1);
  });

  it('groups days when a year has more days than points', () => {
    const from = Date.UTC(2024, 0, 1) / 1000;
    const g = calendarGrid('1d', from, from + 365 * 86_400, 100);
    expect(g.starts.length).toBeLessThanOrEqual(100);
    expect(g.indexOf(from + 86_400 * 10)).toBe(g.indexOf(from + 86_400 * 10 + 3600));
    expect(g.indexOf(from - 86_400 * 2)).toBe(-1);
  });
});
