import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnergyTracker } from '../../bridge/facts/energy-tracker.ts';
import { silentLogger } from '../../bridge/log.ts';
import { createPoller } from '../../bridge/poller.ts';
import type { PduReading, PollResult } from '../../bridge/readings.ts';
import { requestCount, type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { createPduReader } from '../../bridge/snmp/reader.ts';
import type { SnmpTarget } from '../../bridge/snmp/session.ts';

/** The poller and reader against our simulated PX3-5892 (net-snmp agent with a real agent's 1,472-byte limit). */

const V3 = {
  name: 'monitor',
  authProtocol: 'sha256' as const,
  authKey: 'authkey-123',
  privKey: 'privkey-123',
};

function target(port: number, extra: Partial<SnmpTarget> = {}): SnmpTarget {
  return { host: '127.0.0.1', port, version: '2c', community: 'public', timeout: 500, retries: 1, ...extra };
}

let clock = Date.UTC(2026, 5, 1, 14, 0);

function poller(
  port: number,
  onResult: (r: PollResult) => void,
  extra: Partial<SnmpTarget> = {},
  id = 'pdu1',
) {
  const t = target(port, extra);
  const events: boolean[] = [];
  const p = createPoller({
    id,
    intervalMs: 3_600_000,
    offlineAfter: 2,
    reader: createPduReader({ source: id, target: t, layoutRefreshMs: 300_000 }),
    energy: createEnergyTracker(),
    target: t,
    // The poll times follow the simulated PDU's clock, as a real PDU's counters follow real time.
    now: () => clock,
    log: silentLogger,
    onResult,
    onAvailability: (change) => events.push(change.online),
  });
  return { p, events };
}

function ok(r: PollResult): Extract<PollResult, { ok: true }> {
  if (!r.ok) throw new Error(r.error);
  return r;
}

describe('polling the simulated PX3-5892', () => {
  let agent: SimAgent;
  let linked: SimAgent;
  beforeAll(async () => {
    agent = await startSimAgent({ model: { outlets: 36 }, users: [V3], clock: () => clock });
    linked = await startSimAgent({ model: { outlets: 12, units: 3 }, clock: () => clock });
  });
  afterAll(async () => {
    await agent?.stop();
    await linked?.stop();
  });

  it('reads 36 outlets exactly as the simulator serves them, in at most 8 requests a steady poll', async () => {
    const { p } = poller(agent.port, () => {});
    const first = ok(await p.pollNow());
    const unit = first.units[0]!;
    expect(unit.outlets).toHaveLength(36);
    expect(unit.identity.model).toBe('PX3-5892');
    expect(unit.identity.serial).toBe(agent.model.identity(1).serial);
    for (const o of unit.outlets) {
      const s = agent.model.sample(1, o.outlet, clock);
      expect(o.current).toBeCloseTo(s.current, 3);
      expect(o.voltage).toBe(Math.round(s.voltage));
      expect(o.power).toBe(Math.round(s.power));
      expect(o.power_factor).toBe(s.powerFactor === null ? null : Number(s.powerFactor.toFixed(2)));
      expect(o.state).toBe(s.on ? 'on' : 'off');
      expect(o.energy_counter).toBe(s.energyCounter);
    }
    expect(unit.outlets.some((o) => o.power_factor === null)).toBe(true);
    expect(unit.outlets_on).toBe(unit.outlets.filter((o) => o.state === 'on').length);

    agent.resetStats();
    clock += 60_000;
    const steady = ok(await p.pollNow());
    expect(steady.requests).toBeLessThanOrEqual(8);
    // The agent counted the same requests the client did: nothing hidden in retries.
    expect(requestCount(agent.stats)).toBe(steady.requests);
    await p.stop();
  });

  it('splits a batch the agent finds too big and remembers the size that works', async () => {
    const t = target(agent.port, { maxVarbinds: 200 });
    const reader = createPduReader({ source: 'big', target: t, layoutRefreshMs: 300_000 });
    await reader.read(clock);
    expect(reader.client.maxVarbinds).toBeLessThan(200);
    agent.resetStats();
    const again = await reader.read(clock);
    expect(agent.stats.tooBig).toBe(0);
    expect(again.requests).toBeLessThanOrEqual(8);
    reader.close();
  });

  it('reads SNMPv3 authPriv (SHA-256, AES-128)', async () => {
    const { p } = poller(agent.port, () => {}, {
      version: '3',
      v3: {
        user: V3.name,
        level: 'authPriv',
        authProtocol: 'sha256',
        authKey: V3.authKey,
        privProtocol: 'aes',
        privKey: V3.privKey,
      },
    });
    const r = ok(await p.pollNow());
    expect(r.units[0]!.outlets).toHaveLength(36);
    await p.stop();
  });

  it('fails clearly with wrong v3 keys', async () => {
    const { p } = poller(agent.port, () => {}, {
      version: '3',
      v3: {
        user: V3.name,
        level: 'authPriv',
        authProtocol: 'sha256',
        authKey: 'wrong-key-1',
        privProtocol: 'aes',
        privKey: V3.privKey,
      },
      timeout: 300,
      retries: 0,
    });
    const r = await p.pollNow();
    expect(r.ok).toBe(false);
    await p.stop();
  });

  it('reads linked units as PDUs of their own', async () => {
    const { p } = poller(linked.port, () => {}, {}, 'rack');
    const r = ok(await p.pollNow());
    expect(r.units.map((u: PduReading) => u.id)).toEqual(['rack', 'rack-2', 'rack-3']);
    expect(new Set(r.units.map((u) => u.identity.serial)).size).toBe(3);
    for (const u of r.units) {
      expect(u.outlets).toHaveLength(12);
      const s = linked.model.sample(u.unit, 5, clock);
      expect(u.outlets[4]!.current).toBeCloseTo(s.current, 3);
    }
    await p.stop();
  });

  it('keeps energy monotonic across a counter wrap and a reset on the PDU', async () => {
    // The busiest outlet, so that a few minutes certainly carry its counter over 2^32.
    const samples = Array.from({ length: 36 }, (_, i) => agent.model.sample(1, i + 1, clock));
    const n = samples.reduce((a, b) => (b.power > a.power ? b : a)).outlet;
    agent.model.setEnergyCounter(1, n, 2 ** 32 - 2, clock);
    const { p } = poller(agent.port, () => {});
    const outlet = (r: PollResult) => ok(r).units[0]!.outlets[n - 1]!;
    const physical = () => agent.model.sample(1, n, clock).energyWh;
    const nearWrap = outlet(await p.pollNow());
    const e0 = physical();
    clock += 10 * 60_000;
    const wrapped = outlet(await p.pollNow());
    expect(wrapped.energy_counter!).toBeLessThan(nearWrap.energy_counter!);
    expect(wrapped.energy_step?.verdict).toBe('wrap');
    const e1 = physical();
    agent.model.resetEnergy(1, n, clock);
    clock += 60_000;
    const reset = outlet(await p.pollNow());
    expect(reset.energy_counter!).toBeLessThan(wrapped.energy_counter!);
    expect(reset.energy_step?.verdict).toBe('reset');
    // The total starts at the PDU's counter and grows by what the outlet drew, to the Wh (the counter's
    // resolution): across the wrap and across the reset.
    expect(nearWrap.energy).toBe((2 ** 32 - 2) / 1000);
    expect(Math.abs((wrapped.energy! - nearWrap.energy!) * 1000 - (e1 - e0))).toBeLessThanOrEqual(1);
    expect(Math.abs((reset.energy! - wrapped.energy!) * 1000 - (physical() - e1))).toBeLessThanOrEqual(1);
    await p.stop();
  });

  it('goes offline when the agent stops answering, without stalling another PDU', async () => {
    const silent = await startSimAgent({ model: { outlets: 8 }, clock: () => clock });
    const { p: a, events } = poller(silent.port, () => {}, { timeout: 400, retries: 1 }, 'silent');
    const { p: b } = poller(agent.port, () => {}, {}, 'healthy');
    ok(await a.pollNow());
    expect(events).toEqual([true]);
    silent.pause();
    const slow = a.pollNow();
    const t0 = performance.now();
    const healthy = ok(await b.pollNow());
    const healthyDone = performance.now() - t0;
    const failed = await slow;
    const failedDone = performance.now() - t0;
    expect(healthy.units[0]!.outlets).toHaveLength(36);
    expect(failed.ok).toBe(false);
    if (!failed.ok) expect(failed.error).toMatch(/no answer .*timeout/);
    // The healthy PDU's poll finished while the silent one was still waiting out its timeouts.
    expect(healthyDone).toBeLessThan(failedDone);
    expect(events).toEqual([true]); // one failure is not an outage (offlineAfter 2)
    await a.pollNow();
    expect(events).toEqual([true, false]);
    silent.resume();
    ok(await a.pollNow());
    expect(events).toEqual([true, false, true]);
    await a.stop();
    await b.stop();
    await silent.stop();
  });

  it('a poll asked for while one is in flight reads what changed meanwhile, not the older reads', async () => {
    // The agent's clock is the hook: the first request of the poll in flight reads outlet 1, then the
    // outlet draws 500 W more and the poll is asked for, before that poll's other requests are answered.
    let hook: (() => void) | undefined;
    const hooked = await startSimAgent({
      model: { outlets: 36 },
      clock: () => {
        const h = hook;
        hook = undefined;
        h?.();
        return clock;
      },
    });
    const { p } = poller(hooked.port, () => {}, {}, 'hooked');
    ok(await p.pollNow()); // the layout
    const before = hooked.model.sample(1, 1, clock).power;
    let asked: Promise<PollResult> | undefined;
    let again: Promise<PollResult> | undefined;
    hook = () => {
      // Runs when the second request arrives: the first one has read outlet 1 already.
      hook = () => {
        hooked.model.addLoad(1, 1, 500, clock);
        asked = p.pollNow();
        again = p.pollNow();
      };
    };
    const inFlight = ok(await p.pollNow());
    expect(asked).toBeDefined();
    const fresh = ok(await asked!);
    expect(inFlight.units[0]!.outlets[0]!.power).toBe(Math.round(before));
    expect(fresh.units[0]!.outlets[0]!.power).toBe(Math.round(before + 500));
    // One poll more, shared: a second caller joins the queued one instead of queueing a third.
    expect(again).toBe(asked);
    await p.stop();
    await hooked.stop();
  });
});
