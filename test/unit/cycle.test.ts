import { describe, expect, it } from 'vitest';
import {
  cycleTimeoutMs,
  DEFAULT_OFF_PERIOD_S,
  powerOffPeriod,
  prepareCycle,
} from '../../bridge/snmp/cycle.ts';
import { FALSE, OUTLET_SWITCH, SensorState, TRUE } from '../../bridge/snmp/mib.ts';
import type { SnmpClient, SnmpValue } from '../../bridge/snmp/session.ts';

describe('powerOffPeriod (PDU2-MIB)', () => {
  it('takes the global period when the outlet uses it, the outlet’s own otherwise', () => {
    expect(powerOffPeriod({ own: 5, useGlobal: TRUE, global: 30 })).toBe(30);
    expect(powerOffPeriod({ own: 5, useGlobal: FALSE, global: 30 })).toBe(5);
    // The PX3 walk: useGlobal true, no unitConfigurationTable: the outlet's value stands in.
    expect(powerOffPeriod({ own: 10, useGlobal: TRUE })).toBe(10);
    expect(powerOffPeriod({ useGlobal: FALSE, global: 7 })).toBe(7);
    expect(powerOffPeriod({ own: 4 })).toBe(4);
  });

  it('ignores values outside Unsigned32(1..3600)', () => {
    expect(powerOffPeriod({ own: 0, useGlobal: FALSE })).toBeUndefined();
    expect(powerOffPeriod({ own: 3601, useGlobal: FALSE, global: 8 })).toBe(8);
    expect(powerOffPeriod({ own: '10' as SnmpValue })).toBeUndefined();
    expect(powerOffPeriod({})).toBeUndefined();
  });

  it('allows the off-period twice over plus 5 s', () => {
    expect(cycleTimeoutMs(10)).toBe(25_000);
    expect(cycleTimeoutMs(1)).toBe(7000);
  });
});

/**
 * A scripted agent on a virtual clock (a stand-in for the PDU, as the rest of the suite uses the
 * simulator): `script(t)` says what outletSwitchingState and outletSwitchingTimeStamp read at t ms
 * after the SET.
 */
function scripted(
  script: (t: number) => { state: number; stamp?: number },
  config: { own?: number; useGlobal?: number; global?: number } = { own: 10, useGlobal: TRUE },
) {
  let clock = 0;
  let reads = 0;
  const client = {
    async get(oids: readonly string[]) {
      const out = new Map<string, SnmpValue>();
      const now = script(clock);
      for (const oid of oids) {
        if (oid.startsWith(`${OUTLET_SWITCH.state}.`)) out.set(oid, now.state);
        else if (oid.startsWith(`${OUTLET_SWITCH.timeStamp}.`)) {
          if (now.stamp !== undefined) out.set(oid, now.stamp);
        } else if (oid.includes('.3.5.3.1.12.') && config.own !== undefined) out.set(oid, config.own);
        else if (oid.includes('.3.5.3.1.14.') && config.useGlobal !== undefined)
          out.set(oid, config.useGlobal);
        else if (oid.includes('.3.2.2.1.37.') && config.global !== undefined) out.set(oid, config.global);
      }
      reads++;
      return out;
    },
  } as unknown as SnmpClient;
  const deps = {
    unit: 1,
    client,
    now: () => clock,
    sleep: async (ms: number) => {
      clock += ms;
    },
  };
  return { deps, reads: () => reads, at: () => clock };
}

const ON = SensorState.on;
const OFF = SensorState.off;

describe('a cycle watched on a virtual clock', () => {
  it('is confirmed by the timestamp moving when no read catches the outlet off', async () => {
    const a = scripted((t) => ({ state: ON, stamp: t >= 10_000 ? 2 : 1 }));
    const watch = await prepareCycle(a.deps, 3);
    expect(watch.offPeriodS).toBe(10);
    await expect(watch.confirm(0)).resolves.toBe('on');
    expect(a.at()).toBeGreaterThanOrEqual(10_000);
  });

  it('is not confirmed by an outlet that simply stays on', async () => {
    const a = scripted(() => ({ state: ON, stamp: 1 }));
    const watch = await prepareCycle(a.deps, 3);
    await expect(watch.confirm(0)).rejects.toThrow(/did not start the cycle: outlet 3 never read off/);
    expect(a.at()).toBeGreaterThan(cycleTimeoutMs(10));
    // Bounded: one read a second over the whole window, never a tight loop.
    expect(a.reads()).toBeLessThanOrEqual(cycleTimeoutMs(10) / 1000 + 3);
  });

  it('is not confirmed by an outlet that goes off and stays off', async () => {
    const a = scripted((t) => ({ state: t < 500 ? ON : OFF }));
    const watch = await prepareCycle(a.deps, 3);
    await expect(watch.confirm(0)).rejects.toThrow(
      /outlet 3 reads off \d+ s after a cycle with a 10 s off-period/,
    );
  });

  it('answers on only once the off-period has passed, even if the outlet is on earlier', async () => {
    // A PDU that came back after 4 s although it says 10.
    const a = scripted((t) => ({ state: t >= 1000 && t < 4000 ? OFF : ON }));
    const watch = await prepareCycle(a.deps, 3);
    await expect(watch.confirm(0)).resolves.toBe('on');
    expect(a.at()).toBeGreaterThanOrEqual(10_000);
  });

  it('assumes the factory 10 s when the PDU reports no off-period, and says so when it fails', async () => {
    const a = scripted((t) => ({ state: t < 500 ? ON : OFF }), {});
    const watch = await prepareCycle(a.deps, 1);
    expect([watch.offPeriodS, watch.periodReported]).toEqual([DEFAULT_OFF_PERIOD_S, false]);
    await expect(watch.confirm(0)).rejects.toThrow(/assumed: the PDU reports none/);
  });

  it('keeps asking through lost answers until the deadline', async () => {
    let clock = 0;
    let calls = 0;
    const client = {
      async get(oids: readonly string[]) {
        calls++;
        if (calls > 1 && clock < 3000) throw new Error('no answer (timeout)');
        return new Map<string, SnmpValue>(
          oids.map((o) => [o, o.startsWith(`${OUTLET_SWITCH.state}.`) ? (clock < 5000 ? OFF : ON) : 2]),
        );
      },
    } as unknown as SnmpClient;
    const watch = await prepareCycle(
      {
        unit: 1,
        client,
        now: () => clock,
        sleep: async (ms) => {
          clock += ms;
        },
      },
      1,
    );
    expect(watch.offPeriodS).toBe(2);
    await expect(watch.confirm(0)).resolves.toBe('on');
  });
});
