/**
 * What people (and tests) did to the simulated PDU: renames, switching, energy counter changes,
 * sensors forced unavailable, the agent paused. Switching and counter changes are time-stamped
 * events, so the model can still answer "what did outlet 7 read at time t" for any t.
 */

export interface SwitchEvent {
  time: number;
  on: boolean;
}

interface Adjustment {
  time: number;
  delta: number;
}

export type SwitchOp = 'on' | 'off' | 'cycle';

/** A value served in place of a sensor's reading (a test hook): a glitch, a wrongly typed value. */
export interface ServedOverride {
  value: number;
  /** The SNMP type it is served as: Gauge32 (the column's Unsigned32) or a wrong Integer. */
  type: 'gauge' | 'integer';
  /** Reads left (Infinity: until cleared). */
  reads: number;
}

/** outletPowerCyclingPowerOffPeriod and outletUseGlobalPowerCyclingPowerOffPeriod of one outlet. */
export interface OutletOffPeriod {
  /** Seconds, 1..3600. */
  own: number;
  useGlobal: boolean;
}

export interface SimState {
  /** globalOutletPowerCyclingPowerOffPeriod per unit, seconds (the default for every unit unless set). */
  globalOffPeriod(unit: number): number;
  setGlobalOffPeriod(unit: number, seconds: number): void;
  outletOffPeriod(unit: number, outlet: number): OutletOffPeriod;
  setOutletOffPeriod(unit: number, outlet: number, period: Partial<OutletOffPeriod>): void;
  /** The off-period a cycle of this outlet takes now, seconds: the PDU's own rule (PDU2-MIB). */
  effectiveOffPeriod(unit: number, outlet: number): number;
  /** `${unit}.${outlet}` of outlets whose outletSwitchable is false. */
  readonly unswitchable: Set<string>;
  /** pduName per unit ('' unless set). */
  readonly pduNames: Map<number, string>;
  /** `${unit}.${outlet}.${sensorType}` (or `.*`), outlet 0 = inlet. */
  readonly unavailable: Set<string>;
  /** While true the agent answers nothing, like a PDU that dropped off the network. */
  paused: boolean;
  /** outletCount per unit where a test changed it (the rows past it stay; a reader bounds by it). */
  readonly outletCounts: Map<number, number>;
  /** `${unit}.${outlet}.${sensorType}` (outlet 0 = inlet) → what its value column serves instead. */
  readonly overrides: Map<string, ServedOverride>;
  /** The override for one read of a value column, if any (counting the read). */
  takeOverride(unit: number, outlet: number, sensorType: number): ServedOverride | undefined;
  outletName(unit: number, outlet: number): string;
  setOutletName(unit: number, outlet: number, name: string): void;
  switchEvents(unit: number, outlet: number): readonly SwitchEvent[];
  /**
   * A new command cancels what a previous cycle still had scheduled. The PDU acts `switchDelayMs`
   * after the SET (0 unless a test makes it slow); a cycle keeps the outlet off for its off-period.
   */
  addSwitch(unit: number, outlet: number, op: SwitchOp, timeMs: number): void;
  /** Time of the last switching event at or before t, ms, or undefined if the outlet never switched. */
  lastSwitch(unit: number, outlet: number, timeMs: number): number | undefined;
  isOn(unit: number, outlet: number, timeMs: number, initiallyOn: boolean): boolean;
  /** Sum of counter adjustments (resets, test hooks) made up to t, Wh. Outlet 0 = inlet. */
  energyAdjustment(unit: number, outlet: number, timeMs: number): number;
  addEnergyAdjustment(unit: number, outlet: number, timeMs: number, deltaWh: number): void;
}

const NONE: readonly SwitchEvent[] = [];

export function createSimState(init: {
  names: Map<string, string>;
  /** Seconds: the global off-period, which every outlet uses until told otherwise (as on the PX3 walk). */
  offPeriod: number;
  switchDelayMs?: number;
}): SimState {
  const names = init.names;
  const switches = new Map<string, SwitchEvent[]>();
  const adjustments = new Map<string, Adjustment[]>();
  const overrides = new Map<string, ServedOverride>();
  const globals = new Map<number, number>();
  const periods = new Map<string, OutletOffPeriod>();
  const key = (unit: number, outlet: number) => `${unit}.${outlet}`;
  const delay = init.switchDelayMs ?? 0;
  const globalOffPeriod = (unit: number) => globals.get(unit) ?? init.offPeriod;
  const outletOffPeriod = (unit: number, outlet: number): OutletOffPeriod =>
    periods.get(key(unit, outlet)) ?? { own: init.offPeriod, useGlobal: true };
  const effectiveOffPeriod = (unit: number, outlet: number) => {
    const p = outletOffPeriod(unit, outlet);
    return p.useGlobal ? globalOffPeriod(unit) : p.own;
  };

  return {
    globalOffPeriod,
    setGlobalOffPeriod: (unit, seconds) => globals.set(unit, seconds),
    outletOffPeriod,
    setOutletOffPeriod: (unit, outlet, period) =>
      periods.set(key(unit, outlet), { ...outletOffPeriod(unit, outlet), ...period }),
    effectiveOffPeriod,
    unswitchable: new Set(),
    pduNames: new Map(),
    unavailable: new Set(),
    paused: false,
    outletCounts: new Map(),
    overrides,
    takeOverride(unit, outlet, sensorType) {
      const k = `${unit}.${outlet}.${sensorType}`;
      const o = overrides.get(k);
      if (!o) return undefined;
      if (--o.reads <= 0) overrides.delete(k);
      return o;
    },
    outletName: (unit, outlet) => names.get(key(unit, outlet)) ?? '',
    setOutletName: (unit, outlet, name) => {
      if (name === '') names.delete(key(unit, outlet));
      else names.set(key(unit, outlet), name);
    },
    switchEvents: (unit, outlet) => switches.get(key(unit, outlet)) ?? NONE,
    addSwitch(unit, outlet, op, timeMs) {
      const k = key(unit, outlet);
      const at = timeMs + delay;
      const kept = (switches.get(k) ?? []).filter((e) => e.time <= timeMs);
      if (op === 'cycle') {
        // The off-period as configured when the cycle starts (PDU2-MIB: outletPowerCyclingPowerOffPeriod,
        // or the global one when outletUseGlobalPowerCyclingPowerOffPeriod is true).
        const offMs = effectiveOffPeriod(unit, outlet) * 1000;
        kept.push({ time: at, on: false }, { time: at + offMs, on: true });
      } else kept.push({ time: at, on: op === 'on' });
      switches.set(k, kept);
    },
    lastSwitch(unit, outlet, timeMs) {
      let last: number | undefined;
      for (const e of switches.get(key(unit, outlet)) ?? NONE) {
        if (e.time > timeMs) break;
        last = e.time;
      }
      return last;
    },
    isOn(unit, outlet, timeMs, initiallyOn) {
      let on = initiallyOn;
      for (const e of switches.get(key(unit, outlet)) ?? NONE) {
        if (e.time > timeMs) break;
        on = e.on;
      }
      return on;
    },
    energyAdjustment(unit, outlet, timeMs) {
      let sum = 0;
      for (const a of adjustments.get(key(unit, outlet)) ?? []) if (a.time <= timeMs) sum += a.delta;
      return sum;
    },
    addEnergyAdjustment(unit, outlet, timeMs, deltaWh) {
      const list = adjustments.get(key(unit, outlet)) ?? [];
      list.push({ time: timeMs, delta: deltaWh });
      list.sort((a, b) => a.time - b.time);
      adjustments.set(key(unit, outlet), list);
    },
  };
}
