import { afterEach, describe, expect, it } from 'vitest';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import type { SimModelOptions } from '../../bridge/sim/model-types.ts';
import { createOutletControl } from '../../bridge/snmp/control.ts';
import { cycleTimeoutMs } from '../../bridge/snmp/cycle.ts';
import { FALSE, OUTLET_CONFIG } from '../../bridge/snmp/mib.ts';
import { createPduReader } from '../../bridge/snmp/reader.ts';
import { createSnmpClient, type SnmpTarget } from '../../bridge/snmp/session.ts';

/**
 * A power cycle against the simulated PDU, confirmed only by what the PDU reports: the outlet seen
 * off, then on again once the PDU's own off-period has passed, read from the PDU just before the SET
 * (10 s as on the real walks, or the outlet's own period when it does not use the global one). The
 * simulator's event log tells when the outlet really went off and on, so each answer can be checked
 * against what happened.
 */

const started: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const stop of started.splice(0).reverse()) await stop();
});

async function setup(model: SimModelOptions, timeout = 1000) {
  const agent: SimAgent = await startSimAgent({ model: { outlets: 4, seed: 7, ...model } });
  started.push(() => agent.stop());
  const target = (community: string): SnmpTarget => ({
    host: '127.0.0.1',
    port: agent.port,
    version: '2c',
    community,
    timeout,
    retries: 0,
  });
  const reader = createPduReader({ source: 'p', target: target('public'), layoutRefreshMs: 3_600_000 });
  const writer = createSnmpClient(target('private'));
  started.push(
    () => reader.close(),
    () => writer.close(),
  );
  await reader.read();
  const control = createOutletControl({
    unit: 1,
    outlets: () => 4,
    switchable: (n) => reader.layout?.units[0]?.outlets.find((o) => o.outlet === n)?.switchable ?? false,
    writeClient: writer,
    readClient: reader.client,
    allowSwitching: true,
    maxNameLength: 64,
    changed: () => reader.invalidate(),
  });
  const outlet = [1, 2, 3, 4].find((n) => agent.model.isOn(1, n, Date.now()));
  if (outlet === undefined) throw new Error('no outlet is on in the simulation');
  return { agent, control, writer, outlet };
}

/** The simulator's switching events since `from`: what the outlet really did. */
function eventsSince(agent: SimAgent, outlet: number, from: number) {
  return agent.model.state.switchEvents(1, outlet).filter((e) => e.time >= from);
}

describe('a power cycle, confirmed against the PDU', () => {
  it("takes the PDU's default 10 s off-period (the real walks'), and answers after it, not within 5 s", async () => {
    const { agent, control, outlet } = await setup({});
    const sent = Date.now();
    await expect(control.switchOutlet(outlet, 'cycle')).resolves.toBe('on');
    const answered = Date.now();
    const [off, on] = eventsSince(agent, outlet, sent);
    expect(off?.on).toBe(false);
    expect(on?.on).toBe(true);
    expect(on!.time - off!.time).toBe(10_000);
    // Causality, not timing: the answer came after the PDU had switched the outlet on again.
    expect(answered).toBeGreaterThanOrEqual(on!.time);
    expect(agent.model.isOn(1, outlet, answered)).toBe(true);
  }, 40_000);

  it("uses the outlet's own off-period when it does not use the global one, read from the PDU at the cycle", async () => {
    const { agent, control, writer, outlet } = await setup({});
    // Changed on the PDU (its web page, say) after the bridge read the layout.
    await writer.set([
      { oid: `${OUTLET_CONFIG.powerOffPeriod}.1.${outlet}`, type: 'integer', value: 2 },
      { oid: `${OUTLET_CONFIG.useGlobalPowerOffPeriod}.1.${outlet}`, type: 'integer', value: FALSE },
    ]);
    const sent = Date.now();
    await expect(control.switchOutlet(outlet, 'cycle')).resolves.toBe('on');
    const answered = Date.now();
    const [off, on] = eventsSince(agent, outlet, sent);
    expect(on!.time - off!.time).toBe(2000);
    expect(answered).toBeGreaterThanOrEqual(on!.time);
  }, 30_000);

  it('waits for a PDU that carries the cycle out late: never a success before the outlet went off', async () => {
    const { agent, control, outlet } = await setup({ powerOffPeriod: 1, switchDelayMs: 1500 });
    const sent = Date.now();
    await expect(control.switchOutlet(outlet, 'cycle')).resolves.toBe('on');
    const answered = Date.now();
    const [off, on] = eventsSince(agent, outlet, sent);
    expect(off?.on).toBe(false);
    expect(answered).toBeGreaterThanOrEqual(on!.time);
  }, 30_000);

  it('fails clearly when the PDU never starts the cycle, after a time derived from its off-period', async () => {
    // The PDU takes the SET but would act only in a minute: within 2 × 1 s + 5 s nothing happened.
    const { control, outlet } = await setup({ powerOffPeriod: 1, switchDelayMs: 60_000 });
    const sent = Date.now();
    await expect(control.switchOutlet(outlet, 'cycle')).rejects.toThrow(
      /the PDU did not start the cycle: outlet \d never read off and outletSwitchingTimeStamp did not change/,
    );
    expect(Date.now() - sent).toBeGreaterThanOrEqual(cycleTimeoutMs(1));
  }, 30_000);

  it('does not cycle an outlet it cannot watch: an unreachable PDU gets no SET', async () => {
    const { agent, control, outlet } = await setup({ powerOffPeriod: 1 }, 300);
    agent.pause();
    agent.resetStats();
    await expect(control.switchOutlet(outlet, 'cycle')).rejects.toThrow(
      /could not read outlet \d before cycling it, so it was not cycled: no answer/,
    );
    agent.resume();
    expect(agent.stats.set).toBe(0);
    expect(eventsSince(agent, outlet, 0)).toEqual([]);
  });

  it('refuses to switch an outlet the PDU reports as not switchable, before any SET', async () => {
    const { agent, control } = await setup({ unswitchable: [2] });
    agent.resetStats();
    await expect(control.switchOutlet(2, 'off')).rejects.toThrow(/outletSwitchable/);
    expect(agent.stats.set).toBe(0);
  });
});
