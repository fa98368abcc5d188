import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHistory, type History } from '../../bridge/history/history.ts';
import { silentLogger } from '../../bridge/log.ts';
import { reading } from '../../bridge/sim/synthetic.ts';
import { rollupRows } from '../helpers/rollups.ts';
import { tracked } from '../helpers/tracked.ts';

const dir = mkdtempSync(join(tmpdir(), 'r2m-history-energy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2025, 3, 7, 8, 0, 0);
const MIN = 60_000;
const WRAP = 2 ** 32;

const sumDe = (h: History, outlet: number) =>
  h
    .db()
    .prepare<[number], number>('SELECT coalesce(sum(de), 0) FROM sample WHERE outlet = ?')
    .pluck()
    .get(outlet)!;

describe('the history records what the energy tracker decided, on a real database file', () => {
  it('across a wrap, a reset and an offline gap: per-sample energy, and the same total as MQTT', async () => {
    let now = T0;
    const h = createHistory({ path: join(dir, 'e.db'), log: silentLogger, now: () => now });
    h.start();
    const t = tracked(h);
    // [minute, counter of outlet 1 (Wh), energy booked by this sample (Wh)]
    const steps: [number, number, number][] = [
      [0, WRAP - 10, 0], // first sample: the total starts at the counter
      [1, WRAP - 5, 5],
      [2, 3, 8], // wrap: 5 to the top, 3 after
      [3, 10, 7],
      [4, 2, 2], // reset on the PDU: the 2 Wh counted since are real
      [5, 6, 4],
      // offline from minute 6 to 186: the counter went on; its 500 Wh land on the first sample after
      [186, 506, 500],
      [187, 509, 3],
    ];
    let last = 0;
    let published: number | null = null;
    for (const [m, counter] of steps) {
      now = T0 + m * MIN;
      if (m === 186) h.recordOffline('pdu1', T0 + 6 * MIN);
      // outlet 2 is a PX2-style outlet: power only, 600 W
      const poll = t.track(reading('pdu1', now, [{ power: 100, energy_counter: counter }, { power: 600 }]));
      published = poll[0]!.outlets[0]!.energy;
      expect(h.record(poll).ok).toBe(true);
      const total = h.outlets('pdu1')[0]?.energyKwh ?? -1;
      expect(total).toBeGreaterThanOrEqual(last);
      last = total;
    }
    const booked = steps.reduce((s, [, , wh]) => s + wh, 0);
    // MQTT's `energy` and the history's total are the same number, and the history's sum of `de` is
    // exactly what the total grew by.
    expect(h.outlets('pdu1')[0]?.energyKwh).toBe(published);
    expect(published).toBe((WRAP - 10 + booked) / 1000);
    const perSample = h
      .db()
      .prepare<[], { de: number }>('SELECT de FROM sample WHERE outlet = 1 ORDER BY ts')
      .all();
    expect(perSample.map((s) => s.de / 1000)).toEqual(steps.map(([, , wh]) => wh));
    // The gap's energy is in the 15-minute bucket of the first sample after it (08:00 + 186 min = 11:06).
    const b = rollupRows(h.db(), '15m').find((r) => r.outlet === 1 && r.ts === (T0 + 180 * MIN) / 1000);
    expect(b?.e).toBe(503_000);
    // Between minutes 6 and 186 nothing was recorded: a gap in the chart (1-minute points), never zeros.
    const chart = h.powerSeries({ pdu: 'pdu1', from: T0, to: T0 + 4 * 3_600_000, view: 'ports' });
    expect(chart.resolution).toBe('raw');
    const line = chart.lines.find((l) => l.outlet === 1);
    expect(line?.avg.slice(0, 6)).toEqual([100, 100, 100, 100, 100, 100]);
    expect(line?.avg.slice(6, 186).every((v) => v === null)).toBe(true);
    expect(line?.avg.slice(186, 188)).toEqual([100, 100]);
    // Outlet 2 has no counter: integrated (600 W over the 5 minutes before and 1 minute after the gap),
    // estimated; the 3-hour outage is not bridged, and MQTT has no energy for it (the PDU has none).
    const px2 = h.outlets('pdu1')[1];
    expect(px2?.estimated).toBe(true);
    expect(px2?.energyKwh).toBeCloseTo((600 * 5 + 600 * 1) / 60 / 1000, 6);
    const series = h.energySeries({ pdu: 'pdu1', from: T0, to: T0 + 4 * 3_600_000, view: 'ports' });
    expect(series.lines.find((l) => l.outlet === 2)?.estimated).toBe(true);
    expect(series.lines.find((l) => l.outlet === 1)?.estimated).toBe(false);
    expect(series.lines.find((l) => l.outlet === 1)?.totalKwh).toBeCloseTo(booked / 1000, 9);
    await h.stop();
  });

  it('a bogus 0 read followed by the counter books the real energy once (never the lifetime counter)', async () => {
    let now = T0;
    const h = createHistory({ path: join(dir, 'bogus.db'), log: silentLogger, now: () => now });
    h.start();
    const t = tracked(h);
    for (const [m, c] of [
      [0, 9_000_000],
      [1, 9_000_010],
      [2, 0],
      [3, 9_000_030],
      [4, 9_000_040],
    ] as const) {
      now = T0 + m * MIN;
      t.record(reading('pdu1', now, [{ power: 600, energy_counter: c }]));
    }
    expect(sumDe(h, 1)).toBe(40_000);
    expect(h.outlets('pdu1')[0]?.energyKwh).toBe(9000.04);
    await h.stop();
  });

  it('a garbage counter that reaches the history is recorded as nothing', async () => {
    let now = T0;
    const h = createHistory({ path: join(dir, 'garbage.db'), log: silentLogger, now: () => now });
    h.start();
    const t = tracked(h);
    const counters = [5_000_000, -2_000_000_000, 5_000_014, WRAP - 1, 5_000_021];
    const steps = counters.map((c, m) => {
      now = T0 + m * MIN;
      const poll = t.track(reading('pdu1', now, [{ power: -50, energy_counter: c }]));
      expect(h.record(poll).ok).toBe(true);
      return poll[0]!.outlets[0]!.energy_step!.verdict;
    });
    expect(steps).toEqual(['first', 'refused', 'normal', 'glitch', 'normal']);
    expect(sumDe(h, 1)).toBe(21_000);
    expect(h.db().prepare('SELECT min(de) FROM sample').pluck().get()).toBe(0);
    await h.stop();
  });

  it('a poll that could not be recorded (disk full) lands in the next one: MQTT and history still agree', async () => {
    let now = T0;
    const h = createHistory({ path: join(dir, 'full.db'), log: silentLogger, now: () => now });
    h.start();
    const t = tracked(h);
    const outlets = (m: number) =>
      Array.from({ length: 36 }, (_, i) => ({ power: 100 + i, energy_counter: 1_000_000 * (i + 1) + 7 * m }));
    let m = 0;
    const poll = () => {
      now = T0 + m * MIN;
      const p = t.track(reading('pdu1', now, outlets(m)));
      m++;
      return { published: p[0]!.outlets[35]!.energy!, result: h.record(p) };
    };
    for (let i = 0; i < 3; i++) expect(poll().result.ok).toBe(true);
    // The disk is full: SQLite refuses to grow the file past its current size.
    const pages = h.db().pragma('page_count', { simple: true }) as number;
    h.db().pragma(`max_page_count = ${pages}`);
    let failed = 0;
    let last = poll();
    while (last.result.ok && m < 500) last = poll();
    while (!last.result.ok && failed < 3) {
      failed++;
      last = poll();
    }
    expect(failed).toBeGreaterThan(0);
    if (!last.result.ok) expect(last.result.error).toMatch(/full/);
    h.db().pragma('max_page_count = 1073741823');
    last = poll();
    expect(last.result.ok).toBe(true);
    // What MQTT published last is the history's total, and the history's `de` add up to it.
    expect(h.outlets('pdu1')[35]?.energyKwh).toBe(last.published);
    expect(sumDe(h, 36)).toBe(7 * (m - 1) * 1000);
    await h.stop();
  });
});
