import { FALSE, OUTLET_CONFIG, OUTLET_SWITCH, SensorState, TRUE, UNIT_CONFIG } from './mib.ts';
import type { SnmpClient, SnmpValue } from './session.ts';

/**
 * A power cycle (switchingOperation cycle(2)) confirmed by the PDU itself: the outlet is seen off (or
 * its outletSwitchingTimeStamp moves) and then on again once the PDU's own off-period has passed. The
 * period and the time allowed come from the PDU's configuration, read just before the SET, never from
 * a fixed figure (docs/commands.md).
 */

/** globalOutletPowerCyclingPowerOffPeriod's factory value, and the real walks' (PX3): when the PDU says nothing. */
export const DEFAULT_OFF_PERIOD_S = 10;

const inRange = (v: SnmpValue | undefined): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 3600 ? v : undefined;

/**
 * The seconds a cycle keeps the outlet off (PDU2-MIB): outletPowerCyclingPowerOffPeriod, or
 * globalOutletPowerCyclingPowerOffPeriod when outletUseGlobalPowerCyclingPowerOffPeriod is true.
 * Either one stands in for the other when the agent does not serve it (the PX3 walk has no global).
 * Undefined when the PDU serves neither as a valid Unsigned32(1..3600).
 */
export function powerOffPeriod(values: {
  own?: SnmpValue;
  useGlobal?: SnmpValue;
  global?: SnmpValue;
}): number | undefined {
  const own = inRange(values.own);
  const global = inRange(values.global);
  if (values.useGlobal === TRUE) return global ?? own;
  if (values.useGlobal === FALSE) return own ?? global;
  return own ?? global;
}

/**
 * How long a cycle may take before it counts as failed: the off-period, and as much again, and 5 s
 * for the relays and the agent (a PDU may sequence outlets or delay switching-on after inrush).
 */
export function cycleTimeoutMs(offPeriodS: number): number {
  return 2 * offPeriodS * 1000 + 5000;
}

export interface CycleDeps {
  unit: number;
  client: SnmpClient;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface CycleWatch {
  /** The off-period the PDU will use, seconds, and whether the PDU said so (else the default). */
  offPeriodS: number;
  periodReported: boolean;
  /** Waits, after the SET, until the cycle is confirmed; rejects with a user-facing message. */
  confirm(setAt: number): Promise<'on'>;
}

const onOff = (v: SnmpValue | undefined): 'on' | 'off' | undefined =>
  v === SensorState.on ? 'on' : v === SensorState.off ? 'off' : undefined;

/** Reads what a cycle will be judged against; call it before the SET. */
export async function prepareCycle(deps: CycleDeps, outlet: number): Promise<CycleWatch> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const index = `${deps.unit}.${outlet}`;
  const oids = {
    state: `${OUTLET_SWITCH.state}.${index}`,
    stamp: `${OUTLET_SWITCH.timeStamp}.${index}`,
    own: `${OUTLET_CONFIG.powerOffPeriod}.${index}`,
    useGlobal: `${OUTLET_CONFIG.useGlobalPowerOffPeriod}.${index}`,
    global: `${UNIT_CONFIG.globalPowerOffPeriod}.${deps.unit}`,
  };
  const before = await deps.client.get(Object.values(oids));
  const reported = powerOffPeriod({
    own: before.get(oids.own),
    useGlobal: before.get(oids.useGlobal),
    global: before.get(oids.global),
  });
  const offPeriodS = reported ?? DEFAULT_OFF_PERIOD_S;
  const stampBefore = before.get(oids.stamp);
  const stateBefore = onOff(before.get(oids.state));

  async function confirm(setAt: number): Promise<'on'> {
    const offMs = offPeriodS * 1000;
    const deadline = setAt + cycleTimeoutMs(offPeriodS);
    // Often enough to see an off-period of 1 s, seldom enough not to load the agent for a long one.
    const step = Math.min(1000, Math.max(100, Math.floor(offMs / 5)));
    // An outlet that was off is "seen off" already: a cycle of it ends with it on.
    let sawOff = stateBefore === 'off';
    let moved = false;
    let state: 'on' | 'off' | undefined;
    let lastError: string | undefined;
    while (now() <= deadline) {
      await sleep(step);
      try {
        const got = await deps.client.get([oids.state, oids.stamp]);
        lastError = undefined;
        state = onOff(got.get(oids.state));
        const stamp = got.get(oids.stamp);
        if (state === 'off') sawOff = true;
        if (stamp !== undefined && stampBefore !== undefined && stamp !== stampBefore) moved = true;
      } catch (error) {
        // A lost answer mid-cycle is no verdict: ask again until the deadline.
        lastError = error instanceof Error ? error.message : String(error);
        continue;
      }
      if ((sawOff || moved) && state === 'on' && now() - setAt >= offMs) return 'on';
    }
    const waited = `${Math.round((now() - setAt) / 1000)} s`;
    const period = `${offPeriodS} s off-period${reported === undefined ? ' (assumed: the PDU reports none)' : ''}`;
    if (!sawOff && !moved)
      throw new Error(
        `the PDU did not start the cycle: outlet ${outlet} never read off and outletSwitchingTimeStamp did not change within ${waited}` +
          (lastError ? ` (last read: ${lastError})` : ''),
      );
    throw new Error(
      `outlet ${outlet} reads ${state ?? 'no state'} ${waited} after a cycle with a ${period}` +
        (lastError ? ` (last read: ${lastError})` : ''),
    );
  }

  return { offPeriodS, periodReported: reported !== undefined, confirm };
}
