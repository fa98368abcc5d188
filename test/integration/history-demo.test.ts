import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backfillDemo } from '../../bridge/history/backfill.ts';
import { createHistory } from '../../bridge/history/history.ts';
import { silentLogger } from '../../bridge/log.ts';
import { readingsFromSim } from '../../bridge/sim/history-readings.ts';
import { createSimModel } from '../../bridge/sim/model.ts';

const dir = mkdtempSync(join(tmpdir(), 'r2m-history-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the demo backfill from the simulated PX3-5892', () => {
  it('fills the history up to now, resumes after a restart without doubling, and matches the simulator', async () => {
    const sim = createSimModel();
    const model = readingsFromSim(sim, 'pdu1');
    const now = Date.UTC(2025, 8, 15, 10, 30);
    const path = join(dir, 'demo.db');
    let h = createHistory({ path, log: silentLogger, now: () => now });
    h.start();
    // The simulator costs most of this test: the 1-minute part is 2 days here, not the demo's 7.
    const first = backfillDemo({ history: h, model, ids: ['pdu1'], now, days: 10, recentDays: 2 });
    expect(first.error).toBeUndefined();
    // 8 older days at 5 minutes, the last 2 days at 1 minute
    expect(first.polls).toBe(8 * 288 + 2 * 1440);
    await h.stop();

    const later = now + 30 * 60_000;
    h = createHistory({ path, log: silentLogger, now: () => later });
    h.start();
    expect(
      backfillDemo({ history: h, model, ids: ['pdu1'], now: later, days: 10, recentDays: 2 }).polls,
    ).toBe(30);
    const outlets = h.outlets('pdu1');
    expect(outlets).toHaveLength(36);
    // Recorded energy of outlet 1 = the simulator's physical energy between the first poll and now,
    // and its total is the PDU's own counter (it never wrapped or reset here).
    const firstPoll = Math.ceil((now - 10 * 86_400_000) / 300_000) * 300_000;
    const end = Math.floor(later / 60_000) * 60_000 - 60_000;
    const wh = (t: number) => Math.floor(sim.sample(1, 1, t).energyWh);
    const recorded = h.energySeries({ pdu: 'pdu1', from: firstPoll - 86_400_000, to: later, view: 'ports' });
    expect(Math.round((recorded.lines.find((l) => l.outlet === 1)?.totalKwh ?? 0) * 1000)).toBe(
      wh(end) - wh(firstPoll),
    );
    expect(Math.round((outlets[0]?.energyKwh ?? 0) * 1000)).toBe(sim.sample(1, 1, end).energyCounter);
    const c = h.cards('pdu1', later);
    expect(c.pdu.model).toBe('PX3-5892');
    expect(c.powerW).toBe(Math.round(sim.inletSample(1, end).power));
    expect(
      h.powerSeries({ pdu: 'pdu1', period: 'month' }).lines[0]?.avg.filter((v) => v !== null),
    ).toHaveLength(11);
    await h.stop();
  });
});
