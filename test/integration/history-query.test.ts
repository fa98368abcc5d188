import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfill } from '../../bridge/history/backfill.ts';
import { CSV_HEADER } from '../../bridge/history/csv.ts';
import { createHistory, type History } from '../../bridge/history/history.ts';
import { localDayStart } from '../../bridge/history/time.ts';
import { silentLogger } from '../../bridge/log.ts';
import { reading, syntheticPdu } from '../../bridge/sim/synthetic.ts';
import { rollupRows } from '../helpers/rollups.ts';

const dir = mkdtempSync(join(tmpdir(), 'r2m-history-query-'));
const MIN = 60_000;
const DAY = 86_400_000;
const END = Date.UTC(2025, 4, 20, 15, 7);
const START = END - 10 * DAY;
const model = syntheticPdu();
let h: History;

beforeAll(() => {
  h = createHistory({ path: join(dir, 'q.db'), log: silentLogger, now: () => END });
  h.start();
  const r = backfill({ history: h, model, from: START, to: END + 1, stepMs: MIN });
  expect(r).toEqual({ polls: 10 * 1440 + 1, rows: (10 * 1440 + 1) * 37 });
});
afterAll(async () => {
  await h.stop();
  rmSync(dir, { recursive: true, force: true });
});

const inlet = (t: number) => model(t)[0]?.inlet;

describe('history queries on a backfilled database file', () => {
  it('keeps raw samples only for the raw retention, rollups for everything', () => {
    const db = h.db();
    expect(db.prepare('SELECT min(ts) FROM sample').pluck().get()).toBeGreaterThanOrEqual(
      (END - 7 * DAY) / 1000,
    );
    expect(db.prepare('SELECT min(ts) FROM rollup_15m').pluck().get()).toBeLessThanOrEqual(START / 1000);
  });

  it('running the backfill again records nothing twice', () => {
    const before = h.outlets('pdu1')[0]?.energyKwh;
    expect(backfill({ history: h, model, from: START, to: END + 1, stepMs: MIN }).rows).toBe(0);
    expect(h.outlets('pdu1')[0]?.energyKwh).toBe(before);
  });

  it('day energy (hourly bars) equals the counter difference over the samples it covers', () => {
    const e = h.energySeries({ pdu: 'pdu1', period: 'day', view: 'total' });
    expect(e.resolution).toBe('1h');
    const first = e.times[0] ?? 0; // the first hour's start: the first sample counted is at `first`
    const wh = (t: number) => Math.round((inlet(t)?.energy ?? 0) * 1000);
    expect(Math.round(e.totalKwh * 1000)).toBe(wh(END) - wh(first - MIN));
    // ~5.2 kW: every full hour is 4..7 kWh (the last bar is the running hour)
    expect(e.lines[0]?.kwh.slice(0, -1).every((v) => v !== null && v > 4 && v < 7)).toBe(true);
  });

  it('cards give each outlet its energy today and this month (local calendar)', () => {
    const c = h.cards('pdu1', END);
    expect(c.outletEnergy.map((o) => o.outlet)).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
    const day = h.energySeries({
      pdu: 'pdu1',
      from: localDayStart(END / 1000) * 1000,
      to: END + 1000,
      view: 'ports',
    });
    // The whole backfill is inside this month: the month's energy is all the energy recorded since.
    const month = h.energySeries({ pdu: 'pdu1', from: START, to: END + 1000, view: 'ports' });
    for (const o of c.outletEnergy) {
      const line = day.lines.find((l) => l.outlet === o.outlet);
      expect(o.todayKwh, `outlet ${o.outlet} today`).toBeCloseTo(line?.totalKwh ?? -1, 6);
      const all = month.lines.find((l) => l.outlet === o.outlet);
      expect(o.monthKwh, `outlet ${o.outlet} month`).toBeCloseTo(all?.totalKwh ?? -1, 6);
      expect(o.monthKwh).toBeGreaterThanOrEqual(o.todayKwh);
    }
    expect(c.outletEnergy.some((o) => o.todayKwh > 0)).toBe(true);
  });

  it('day power points are the mean, min and max of the polls in each 15 minutes', () => {
    const s = h.powerSeries({ pdu: 'pdu1', period: 'day', view: 'ports' });
    expect(s.resolution).toBe('15m');
    expect(s.lines).toHaveLength(36);
    expect(s.lines.map((l) => l.energyKwh)).toEqual(
      [...s.lines.map((l) => l.energyKwh)].sort((a, b) => b - a),
    );
    const one = s.lines.find((l) => l.outlet === 1);
    expect(one?.name).toBe('server-a');
    const k = 10;
    const t0 = s.times[k] ?? 0;
    const powers = Array.from({ length: 15 }, (_, i) => model(t0 + i * MIN)[0]?.outlets[0]?.power ?? 0);
    expect(one?.avg[k]).toBeCloseTo(powers.reduce((a, b) => a + b, 0) / 15, 1);
    expect(one?.min[k]).toBe(Math.min(...powers));
    expect(one?.max[k]).toBe(Math.max(...powers));
  });

  it('every period answers at its resolution, within maxPoints', () => {
    const res = { hour: 'raw', day: '15m', week: '1h', month: '1d', year: '1d' } as const;
    for (const period of ['hour', 'day', 'week', 'month', 'year'] as const) {
      const s = h.powerSeries({ pdu: 'pdu1', period, view: 'total', maxPoints: 400 });
      expect(s.resolution).toBe(res[period]);
      expect(s.times.length).toBeLessThanOrEqual(400);
      expect(s.lines[0]?.avg.length).toBe(s.times.length);
    }
    expect(h.powerSeries({ pdu: 'pdu1', period: 'week', maxPoints: 50 }).times.length).toBeLessThanOrEqual(
      50,
    );
    // A year holds 10 days of data: the rest is null (no data), never 0.
    const year = h.powerSeries({ pdu: 'pdu1', period: 'year' }).lines[0]?.avg ?? [];
    expect(year.filter((v) => v !== null)).toHaveLength(11);
    expect(year.includes(0)).toBe(false);
    expect(h.energySeries({ pdu: 'pdu1', period: 'year' }).resolution).toBe('1mo');
  });

  it('cards: power now, energy today and this month, peak today with its time, outlets on', () => {
    const c = h.cards('pdu1');
    expect(c.powerW).toBe(inlet(END)?.power);
    expect(c.outletsOn).toBe(31);
    expect(c.outletsTotal).toBe(36);
    expect(c.inlet.voltage).toBe(230);
    expect(c.sparkline.power.length).toBe(60);
    const today = localDayStart(END / 1000) * 1000;
    const polls = [];
    for (let t = Math.max(today, START); t <= END; t += MIN) polls.push({ t, p: inlet(t)?.power ?? 0 });
    const best = polls.reduce((a, b) => (b.p > a.p ? b : a));
    expect(c.peakToday).toEqual({ outlet: 0, power: best.p, time: best.t });
    const wh = (t: number) => Math.round((inlet(t)?.energy ?? 0) * 1000);
    // Energy is booked to the sample that ends the interval: 00:00's sample carries 23:59 -> 00:00.
    expect(Math.round(c.energyTodayKwh * 1000)).toBe(wh(END) - wh(today - MIN));
    expect(c.energyMonthKwh).toBeGreaterThanOrEqual(c.energyTodayKwh);
  });

  it('streams CSV with units in the header through a slow writer, one row per bucket', async () => {
    const chunks: string[] = [];
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk.toString());
        setImmediate(cb);
      },
    });
    const bytes = await h.exportCsvTo({ pdu: 'pdu1', period: 'week', view: 'ports' }, slow);
    const text = chunks.join('');
    expect(Buffer.byteLength(text)).toBe(bytes);
    expect(text.startsWith(CSV_HEADER)).toBe(true);
    expect(CSV_HEADER).toContain('power_avg_w');
    expect(CSV_HEADER).toContain('energy_kwh');
    const rows = text.trim().split('\n').slice(1);
    const from = Math.floor((END - 7 * DAY) / 1000) + 1;
    const expected = rollupRows(h.db(), '1h').filter(
      (r) => r.pdu === 1 && r.outlet > 0 && r.ts >= from && r.ts <= END / 1000,
    ).length;
    expect(expected).toBeGreaterThan(36 * 160);
    expect(rows).toHaveLength(expected);
    expect(rows[0]?.split(',')).toHaveLength(11);
    expect(chunks.length).toBeGreaterThan(1);
  });

  it('quotes names in CSV and rejects bad parameters with a RangeError', async () => {
    h.record(reading('odd', END, [{ name: 'rack, "left"', power: 5 }]));
    let text = '';
    for await (const c of h.exportCsv({ pdu: 'odd', period: 'hour', view: 'ports' })) text += c;
    expect(text).toContain(',1,1,"rack, ""left""",5,5,5,');
    expect(() => h.exportCsv({ pdu: 'pdu1', period: 'decade' as 'day' })).toThrow(RangeError);
    // A unit never recorded has no data: its series are empty and its CSV is the header alone.
    let none = '';
    for await (const c of h.exportCsv({ pdu: 'nope', period: 'day' })) none += c;
    expect(none.trim().split('\n')).toHaveLength(1);
    const empty = h.powerSeries({ pdu: 'nope', period: 'day', view: 'ports' });
    expect(empty.lines).toEqual([]);
    expect(empty.times.length).toBeGreaterThan(0);
    expect(h.energySeries({ pdu: 'nope', period: 'week' }).totalKwh).toBe(0);
    expect(() => h.powerSeries({ pdu: 'pdu1', period: 'decade' as 'day' })).toThrow(RangeError);
    expect(() => h.energySeries({ pdu: 'pdu1', from: 10, to: 5 })).toThrow(RangeError);
    expect(() => h.powerSeries({ pdu: 'pdu1', period: 'day', view: 'all' as 'total' })).toThrow(RangeError);
    expect(h.pdus().map((p) => p.id)).toEqual(['odd', 'pdu1']);
  });
});
