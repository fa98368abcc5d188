import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimModel } from '../../bridge/sim/model.ts';
import { INLET_MEASUREMENT, OUTLET_MEASUREMENT, SensorType } from '../../bridge/snmp/mib.ts';
import { BASE, createEnergyRun, type EnergyRun, MIN, PDU, type Point } from '../helpers/energy-run.ts';
import { captureLog } from '../helpers/log-capture.ts';

/**
 * What Home Assistant would see of every channel's energy while the PDU misbehaves, on real processes:
 * the simulated PX3-5892 over SNMP and the bridge as `run` builds it (poller, embedded broker, SQLite
 * file), restarted twice on the same database. One run: a step back, a one-read 4294967295, a wrap, a
 * reset, garbage values, an outage, a PDU reboot, an outlet count 36 -> 24 -> 36, and the agent swapped
 * for another configuration of the PDU and back.
 */

const model = createSimModel({ outlets: 36 });
/** The 24-outlet configuration of the same PDU (other outlets idle or off): another meter entirely. */
const other = createSimModel({ outlets: 24 });
const dir = mkdtempSync(join(tmpdir(), 'r2m-energy-faults-'));
const capture = captureLog('info');
const start = Math.floor(Date.now() / MIN) * MIN;
const byPower = Array.from({ length: 36 }, (_, i) => model.sample(1, i + 1, start))
  .sort((a, b) => b.power - a.power)
  .map((s) => s.outlet);
const [N, W, G, C] = byPower as [number, number, number, number]; // faults, wrap, garbage, clean
const topicOf = (channel: number) => (channel === 0 ? BASE : `${BASE}/outlet/${channel}`);
const wh = (p: Point) => Math.round(p.energy * 1e6) / 1000; // exact to the mWh
let run: EnergyRun;
let garbageAt = 0;
let swappedAt = 0;
let vanished: { from: number; to: number } = { from: 0, to: 0 };

beforeAll(async () => {
  // The wrap outlet's counter stands just below 2^32 when the bridge first reads it.
  model.setEnergyCounter(1, W, 2 ** 32 - 40, start);
  run = await createEnergyRun({ model, clock: start, dir, log: capture.log });
  await run.start();
  await run.poll();
  await run.poll();
  // A counter that steps back 5 Wh from what was last read.
  const back = run.lastRead(N) - 5;
  run.clock += MIN;
  model.stepEnergy(1, N, back - model.sample(1, N, run.clock).energyCounter, run.clock);
  await run.poll(0);
  await run.poll();
  // One read of 4294967295.
  model.serveValue(1, N, SensorType.activeEnergy, 2 ** 32 - 1);
  for (let i = 0; i < 3; i++) await run.poll();
  // A reset on the PDU.
  run.clock += MIN;
  model.resetEnergy(1, N, run.clock);
  await run.poll(0);
  await run.poll();
  // Garbage: an Integer in the Unsigned32 energy column, 4294967295 V on the inlet.
  model.serveValue(1, G, SensorType.activeEnergy, -2_000_000_000, { type: 'integer' });
  model.serveValue(1, 0, SensorType.rmsVoltage, 4_294_967_295);
  await run.poll();
  garbageAt = run.clock;
  await run.poll();
  // A bridge restart on the same database after 20 minutes: longer than the 15 minutes integration
  // may span, so the counter's increase over it is a gap.
  await run.stop();
  run.clock += 20 * MIN;
  await run.start();
  await run.poll();
  // A PDU reboot restarts every counter right after the last poll (what a counter counted between
  // that poll and a reset is gone on the PDU too), while the bridge is stopped.
  await run.stop();
  for (let o = 0; o <= 36; o++) model.resetEnergy(1, o, run.clock);
  run.clock += 5 * MIN;
  await run.start();
  await run.poll();
  // The outlet count changes 36 -> 24 -> 36, seen at the next layout refresh (every 5 minutes).
  model.setOutletCount(1, 24);
  await run.poll(5);
  vanished = { from: run.clock, to: 0 };
  await run.poll();
  model.setOutletCount(1, null);
  await run.poll(5);
  vanished.to = run.clock;
  await run.poll();
  // The agent restarts as the 24-outlet configuration, then as the 36-outlet one again.
  swappedAt = run.clock;
  await run.swap(other);
  for (const m of [1, 1, 1, 5, 1]) await run.poll(m);
  await run.swap(model);
  for (const m of [1, 1, 1, 5, 1]) await run.poll(m);
}, 180_000);

afterAll(async () => {
  await run?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('energy under faults, as Home Assistant sees it', () => {
  it('never decreases, and never grows by more than was drawn, on any retained topic', () => {
    for (let channel = 0; channel <= 36; channel++) {
      const topic = topicOf(channel);
      const points = run.streams.get(topic) ?? [];
      expect(points.length, topic).toBeGreaterThanOrEqual(3); // one per bridge run at least
      // Not in total since the first value, and not in one step since the last value that grew: an
      // untrusted read books nothing, the next good one books what was drawn since the last trusted.
      const drawn = (t: number) => run.drawnUntil(channel, t, [model, other]);
      let grewAt = points[0]!;
      for (let i = 1; i < points.length; i++) {
        const [a, b] = [points[i - 1]!, points[i]!];
        const at = `${topic} at minute ${(b.time - start) / MIN}`;
        expect(wh(b) - wh(a), at).toBeGreaterThanOrEqual(0);
        expect(wh(b) - wh(points[0]!), at).toBeLessThanOrEqual(drawn(b.time) - drawn(points[0]!.time) + 1);
        expect(wh(b) - wh(grewAt), at).toBeLessThanOrEqual(drawn(b.time) - drawn(grewAt.time) + 1);
        if (wh(b) > wh(a)) grewAt = b;
      }
    }
  });

  it('loses nothing where the counter was never in doubt: through restarts, an outage, a reboot', () => {
    for (const channel of [0, C]) {
      const points = run.streams.get(topicOf(channel))!.filter((p) => p.time <= swappedAt);
      const drawn = (t: number) => run.drawnUntil(channel, t, [model]);
      const booked = wh(points.at(-1)!) - wh(points[0]!);
      // The counter counts whole Wh: each counter segment may differ from the physical energy by less
      // than 1 Wh, and the PDU reboot starts a second segment (the fraction counted before it is gone
      // on the PDU too). How much depends on where the random start time puts the fractions.
      expect(Math.abs(booked - (drawn(points.at(-1)!.time) - drawn(points[0]!.time)))).toBeLessThan(2);
    }
  });

  it('names every fault: glitch, reset, gap, wrap, a null read, rebaseline for the swapped meter', () => {
    expect(run.verdicts.get(N)).toEqual(expect.arrayContaining(['glitch', 'reset', 'normal', 'gap']));
    expect(run.verdicts.get(W)).toContain('wrap');
    expect(run.verdicts.get(G)).toContain('none');
    expect(run.verdicts.get(0)).toContain('rebaseline');
    expect(capture.entries().some((e) => e.msg?.startsWith('energy counter did not just count up'))).toBe(
      true,
    );
  });

  it('outlet count 36 -> 24 -> 36: the outlets that vanished come back with their totals', () => {
    for (let o = 25; o <= 36; o++) {
      const points = run.streams.get(topicOf(o))!;
      const before = points.filter((p) => p.time < vanished.from).at(-1)!;
      const back = points.find((p) => p.time >= vanished.to)!;
      expect(back, `outlet ${o}`).toBeDefined();
      const drawn = (t: number) => run.drawnUntil(o, t, [model]);
      expect(wh(back) - wh(before)).toBeGreaterThanOrEqual(0);
      expect(
        Math.abs(wh(back) - wh(before) - (drawn(back.time) - drawn(before.time))),
        `outlet ${o}`,
      ).toBeLessThanOrEqual(1);
    }
  });

  it("MQTT's totals are the history's, and the history's energy adds up to what MQTT's grew by", () => {
    const db = run.bridge.history.db();
    const info = run.bridge.history.outlets(PDU);
    const saved = run.bridge.history.energyStates().filter((s) => s.id === PDU);
    for (let channel = 0; channel <= 36; channel++) {
      const points = run.streams.get(topicOf(channel))!;
      const meter = saved.find((s) => s.channel === channel)?.state.total;
      expect(meter, `channel ${channel}`).toBe(Math.round(points.at(-1)!.energy * 1e6));
      if (channel > 0) expect(info[channel - 1]!.energyKwh).toBe(points.at(-1)!.energy);
      const de = db
        .prepare<[number], number>('SELECT sum(de) FROM sample WHERE pdu = 1 AND outlet = ?')
        .pluck()
        .get(channel);
      expect(de, `channel ${channel}`).toBe(Math.round((points.at(-1)!.energy - points[0]!.energy) * 1e6));
    }
  });

  it('publishes garbage as null, records it as nothing, and logs a problem naming the OID', () => {
    const at = (topic: string) =>
      run.published.find((m) => m.time === garbageAt && m.topic === topic)?.payload;
    expect(at(topicOf(G))).toMatchObject({ energy: null, power: expect.any(Number) });
    expect(at(BASE)).toMatchObject({ voltage: null, energy: expect.any(Number) });
    const db = run.bridge.history.db();
    const sample = db.prepare<[number, number], { c: number | null; de: number; v: number | null }>(
      'SELECT c, de, v FROM sample WHERE pdu = 1 AND outlet = ? AND ts = ?',
    );
    expect(sample.get(G, garbageAt / 1000)).toMatchObject({ c: null, de: 0 });
    expect(sample.get(0, garbageAt / 1000)?.v).toBeNull();
    const problems = capture
      .entries()
      .filter((e) => e.msg === 'incomplete reading')
      .flatMap((e) => e.problems as string[]);
    expect(problems).toContain(
      `${OUTLET_MEASUREMENT.value}.1.${G}.${SensorType.activeEnergy}: -2000000000 is not an Unsigned32 (PDU2-MIB Value column)`,
    );
    expect(problems).toContain(
      `${INLET_MEASUREMENT.value}.1.1.${SensorType.rmsVoltage}: 4294967295 V is outside 0..1000 V`,
    );
  });
});
