import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnergyTracker } from '../../bridge/facts/energy-tracker.ts';
import { silentLogger } from '../../bridge/log.ts';
import { createPoller } from '../../bridge/poller.ts';
import type { PduReading, PollResult } from '../../bridge/readings.ts';
import { requestCount, type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { createPduReader } from '../../bridge/snmp/reader.ts';
import type { SnmpTarget } from '../../bridge/snmp/session.ts';

/**
 * The poller against the simulator's hardware beyond outlets: a 3-phase 36-outlet unit with 6
 * protectors and 4 external sensors (lines, trips, alarm states, within 10 requests a steady poll),
 * and an inlet-metered unit with no outlets at all.
 */

let clock = Date.UTC(2026, 5, 1, 14, 0);
const MINUTE = 60_000;

const V3 = {
  name: 'monitor',
  authProtocol: 'sha256' as const,
  authKey: 'authkey-123',
  privKey: 'privkey-123',
};

function pollerFor(agent: SimAgent, id: string, extra: Partial<SnmpTarget> = {}) {
  const t: SnmpTarget = {
    host: '127.0.0.1',
    port: agent.port,
    version: '2c',
    community: 'public',
    timeout: 1000,
    retries: 1,
    ...extra,
  };
  return createPoller({
    id,
    intervalMs: 3_600_000,
    offlineAfter: 2,
    reader: createPduReader({ source: id, target: t, layoutRefreshMs: 3_600_000 }),
    energy: createEnergyTracker(),
    target: t,
    now: () => clock,
    log: silentLogger,
    onResult: () => {},
    onAvailability: () => {},
  });
}

function ok(r: PollResult): Extract<PollResult, { ok: true }> {
  if (!r.ok) throw new Error(r.error);
  return r;
}

describe('polling a 3-phase simulated PX3 with protectors and external sensors', () => {
  let agent: SimAgent;
  let poller: ReturnType<typeof pollerFor>;
  const poll = async (): Promise<PduReading> => {
    clock += MINUTE;
    return ok(await poller.pollNow()).units[0]!;
  };
  beforeAll(async () => {
    agent = await startSimAgent({ model: { outlets: 36, phases: 3 }, users: [V3], clock: () => clock });
    poller = pollerFor(agent, 'px3');
  });
  afterAll(async () => {
    await poller?.stop();
    await agent?.stop();
  });

  it('reads lines, 6 protectors and 4 sensors in at most 10 requests a steady poll, counted at the agent', async () => {
    const first = await poll();
    expect(first.breakers).toHaveLength(6);
    expect(first.sensors).toHaveLength(4);
    expect(Object.keys(first.lines)).toEqual(['L1', 'L2', 'L3', 'N']);
    agent.resetStats();
    clock += MINUTE;
    const steady = ok(await poller.pollNow());
    expect(steady.requests).toBeLessThanOrEqual(10);
    expect(requestCount(agent.stats)).toBe(steady.requests);
    expect(agent.stats.tooBig).toBe(0);
  });

  it('stays within 10 requests over SNMPv3 authPriv too, whose messages carry fewer values', async () => {
    const v3 = pollerFor(agent, 'px3-v3', {
      version: '3',
      v3: {
        user: V3.name,
        level: 'authPriv',
        authProtocol: V3.authProtocol,
        authKey: V3.authKey,
        privProtocol: 'aes',
        privKey: V3.privKey,
      },
    });
    clock += MINUTE;
    expect(ok(await v3.pollNow()).units[0]!.breakers).toHaveLength(6);
    agent.resetStats();
    clock += MINUTE;
    const steady = ok(await v3.pollNow());
    await v3.stop();
    expect(steady.requests).toBeLessThanOrEqual(10);
    expect(requestCount(agent.stats)).toBe(steady.requests);
  });

  it('has lines that sum to the inlet, L-L ≈ 394 V and L-N ≈ 228 V, and a neutral with a current only', async () => {
    const r = await poll();
    const lines = [r.lines.L1!, r.lines.L2!, r.lines.L3!];
    const power = lines.reduce((s, l) => s + l.power!, 0);
    // Each pole's power is rounded to 1 W by its decimals: the sum is the inlet's within that rounding.
    expect(Math.abs(power - r.inlet.power!)).toBeLessThanOrEqual(2);
    for (const l of lines) {
      expect(l.voltage).toBeGreaterThanOrEqual(390);
      expect(l.voltage).toBeLessThanOrEqual(400);
      expect(l.voltage_ln).toBeGreaterThanOrEqual(225);
      expect(l.voltage_ln).toBeLessThanOrEqual(231);
      expect(l.current).toBeGreaterThan(0);
    }
    expect(r.lines.N).toMatchObject({ voltage: null, voltage_ln: null, power: null, energy: null });
    expect(r.lines.N!.current).toBeGreaterThanOrEqual(0);
    // An outlet on L2 (outlet 7: protector C2, line 2) sees L2's line-to-neutral voltage.
    expect(Math.abs(r.outlets[6]!.voltage! - r.lines.L2!.voltage_ln!)).toBeLessThanOrEqual(1);
    expect(r.inlet.unbalanced_current).toBeGreaterThanOrEqual(0);
  });

  it('wires each protector to its 6 outlets, and reads a trip as open/tripped and an alarm until reset', async () => {
    let r = await poll();
    expect(r.breakers.map((b) => b.outlets)).toEqual(
      Array.from({ length: 6 }, (_, b) => Array.from({ length: 6 }, (_, i) => b * 6 + i + 1)),
    );
    expect(r.outlets[13]!.breaker).toBe('C3');
    expect(r.breakers[2]).toMatchObject({ label: 'C3', state: 'closed', tripped: false, alarms: {} });
    agent.model.tripBreaker(1, 3, clock);
    r = await poll();
    expect(r.breakers[2]).toMatchObject({
      state: 'open',
      tripped: true,
      alarms: { state: 'open' },
      current: 0,
    });
    expect(r.outlets.slice(12, 18).every((o) => o.power === 0)).toBe(true);
    agent.model.resetBreaker(1, 3, clock);
    r = await poll();
    expect(r.breakers[2]).toMatchObject({ state: 'closed', tripped: false, alarms: {} });
  });

  it('reads the unbalance of one line carrying everything (200 %) as a reading, not a refused value', async () => {
    for (const b of [2, 3, 5, 6]) agent.model.tripBreaker(1, b, clock); // L2 and L3's protectors
    const r = await poll();
    expect(r.lines.L2!.current).toBe(0);
    expect(r.lines.L3!.current).toBe(0);
    expect(r.inlet.unbalanced_current).toBeGreaterThan(190);
    for (const b of [2, 3, 5, 6]) agent.model.resetBreaker(1, b, clock);
  });

  it("publishes the PDU's own threshold states of an outlet: raised past 6.5 A, cleared below its hysteresis", async () => {
    let r = await poll();
    expect(r.outlets[0]!.thresholds.current).toEqual({ upper_warning: 6.5, upper_critical: 8 });
    expect(r.outlets[0]!.alarms).toEqual({});
    agent.model.addLoad(1, 1, 1400, clock); // ~6 A more on outlet 1
    r = await poll();
    expect(r.outlets[0]!.current).toBeGreaterThan(6.5);
    expect(r.outlets[0]!.alarms).toEqual({ current: 'above_upper_warning' });
    agent.model.addLoad(1, 1, -1400, clock);
    r = await poll();
    expect(r.outlets[0]!.alarms).toEqual({});
  });

  it('reads the external sensors: a probe of one serial, a door that opens, a leak that alarms', async () => {
    let r = await poll();
    const [temp, hum, door, leak] = r.sensors;
    expect(temp).toMatchObject({ type: 'temperature', unit: '°C', state: 'normal', discrete: false });
    expect(hum).toMatchObject({ type: 'humidity', unit: '%', serial: temp!.serial });
    expect(temp!.id).not.toBe(hum!.id);
    expect(temp!.thresholds.value).toMatchObject({ upper_warning: 30, upper_critical: 35 });
    expect(door).toMatchObject({ type: 'door', value: null, unit: null, discrete: true });
    expect(leak).toMatchObject({ type: 'water', state: 'normal', alarms: {} });
    agent.model.setExternal(1, 3, { active: true });
    agent.model.setExternal(1, 4, { active: true });
    agent.model.setExternal(1, 1, { value: 36.5 });
    r = await poll();
    expect(r.sensors[2]).toMatchObject({ state: 'open', alarms: {} }); // an open door is a reading
    expect(r.sensors[3]).toMatchObject({ state: 'alarmed', alarms: { state: 'alarmed' } });
    expect(r.sensors[0]).toMatchObject({ value: 36.5, alarms: { value: 'above_upper_critical' } });
    for (const s of [1, 3, 4]) agent.model.setExternal(1, s, null);
  });
});

describe('polling an inlet-metered simulated PX (no outlets)', () => {
  let agent: SimAgent;
  beforeAll(async () => {
    agent = await startSimAgent({ model: { outlets: 0 }, clock: () => clock });
  });
  afterAll(async () => {
    await agent?.stop();
  });

  it('is a PDU with an inlet, protectors and sensors, and outlets: []', async () => {
    const poller = pollerFor(agent, 'meter');
    const r = ok(await poller.pollNow()).units[0]!;
    await poller.stop();
    expect(r.outlets).toEqual([]);
    expect(r.outlets_on).toBe(0);
    expect(r.identity.serial).toBe(agent.model.identity(1).serial);
    expect(r.inlet.power).toBeGreaterThan(0);
    expect(r.inlet.energy).toBeGreaterThan(0);
    expect(r.breakers.map((b) => b.outlets)).toEqual([[], []]);
    expect(r.sensors).toHaveLength(4);
  });
});
