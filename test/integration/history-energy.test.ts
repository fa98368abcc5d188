import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COUNTER_WRAP_WH } from '../../bridge/history/energy.ts';
import { createHistory } from '../../bridge/history/history.ts';
import { reading } from '../../bridge/history/synthetic.ts';
import { silentLogger } from '../../bridge/log.ts';

const dir = mkdtempSync(join(tmpdir(), 'r2m-history-energy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2025, 3, 7, 8, 0, 0);
const MIN = 60_000;

describe('energy from the PDU counter on a real database file', () => {
  it('is right across a wrap, a reset and an offline gap, and the total never decreases', async () => {
    let now = T0;
    const h = createHistory({ path: join(dir, 'e.db'), log: silentLogger, now: () => now });
    h.start();
    // [minute, counter of outlet 1 (Wh), energy booked by this sample (Wh), why]
    const steps: [number, number, number][] = [
      [0, COUNTER_WRAP_WH - 10, 0], // first sample: a segment starts
      [1, COUNTER_WRAP_WH - 5, 5],
      [2, 3, 8], // wrap: 5 to the top, 3 after
      [3, 10, 7],
      [4, 2, 2], // reset on the PDU: the 2 Wh counted since are real
      [5, 6, 4],
      // offline from minute 6 to 186: the counter went on; its 500 Wh land on the first sample after
      [186, 506, 500],
      [187, 509, 3],
    ];
    let last = 0;
    for (const [m, counter] of steps) {
      now = T0 + m * MIN;
      if (m === 186) h.recordOffline('pdu1', T0 + 6 * MIN);
      // outlet 2 is a PX2-style outlet: power only, 600 W
      expect(
        h.record(reading('pdu1', now, [{ power: 100, energy_counter: counter }, { power: 600 }])).ok,
      ).toBe(true);
      const total = h.outlets('pdu1')[0]?.energyKwh ?? -1;
      expect(total).toBeGreaterThanOrEqual(last);
      last = total;
    }
    const booked = steps.reduce((s, [, , wh]) => s + wh, 0);
    expect(h.outlets('pdu1')[0]?.energyKwh).toBeCloseTo(booked / 1000, 9);
    const perSample = h
      .db()
      .prepare<[], { ts: number; de: number }>('SELECT ts, de FROM sample WHERE outlet = 1 ORDER BY ts')
      .all();
    expect(perSample.map((s) => s.de / 1000)).toEqual(steps.map(([, , wh]) => wh));
    // The gap's energy is in the 15-minute bucket of the first sample after it (08:00 + 186 min = 11:06).
    const b = h
      .db()
      .prepare<[number], { e: number }>('SELECT e FROM r15m WHERE outlet = 1 AND ts = ?')
      .get((T0 + 180 * MIN) / 1000);
    expect(b?.e).toBe(503_000);
    // Between minutes 6 and 186 nothing was recorded: a gap in the chart (1-minute points), never zeros.
    const chart = h.powerSeries({ pdu: 'pdu1', from: T0, to: T0 + 4 * 3_600_000, view: 'ports' });
    expect(chart.resolution).toBe('raw');
    const line = chart.lines.find((l) => l.outlet === 1);
    expect(line?.avg.slice(0, 6)).toEqual([100, 100, 100, 100, 100, 100]);
    expect(line?.avg.slice(6, 186).every((v) => v === null)).toBe(true);
    expect(line?.avg.slice(186, 188)).toEqual([100, 100]);
    // Outlet 2 has no counter: integrated (600 W over the 5 minutes before and 1 minute after the gap),
    // estimated;
    // the 3-hour outage is not bridged.
    const px2 = h.outlets('pdu1')[1];
    expect(px2?.estimated).toBe(true);
    expect(px2?.energyKwh).toBeCloseTo((600 * 5 + 600 * 1) / 60 / 1000, 6);
    const series = h.energySeries({ pdu: 'pdu1', from: T0, to: T0 + 4 * 3_600_000, view: 'ports' });
    expect(series.lines.find((l) => l.outlet === 2)?.estimated).toBe(true);
    expect(series.lines.find((l) => l.outlet === 1)?.estimated).toBe(false);
    expect(series.lines.find((l) => l.outlet === 1)?.totalKwh).toBeCloseTo(booked / 1000, 9);
    await h.stop();
  });

  it('a bogus 0 read followed by the lifetime counter books nothing (DESIGN.md 1)', async () => {
    let now = T0;
    const h = createHistory({ path: join(dir, 'bogus.db'), log: silentLogger, now: () => now });
    h.start();
    for (const [m, c] of [
      [0, 9_000_000],
      [1, 9_000_010],
      [2, 0],
      [3, 9_000_030],
      [4, 9_000_040],
    ] as const) {
      now = T0 + m * MIN;
      h.record(reading('pdu1', now, [{ power: 600, energy_counter: c }]));
    }
    // 10 Wh, then nothing for the bogus pair, then 10 Wh once the counter is back in its segment.
    expect(h.outlets('pdu1')[0]?.energyKwh).toBeCloseTo(0.02, 9);
    await h.stop();
  });
});
