/**
 * The simulated Raritan PX3-5892: a deterministic function of (seed, unit, outlet, time) from
 * profile.ts, plus a small log of what people did to it (renames, switching, energy resets, test
 * hooks). Events carry their time, so sample(t) stays a pure function of t and the log: the agent,
 * the tests and a history backfill all see the very same numbers.
 */
import { COUNTER_MODULUS } from '../snmp/mib.ts';
import { createControls } from './controls.ts';
import { createHardware } from './hardware.ts';
import { createHardwareState } from './hardware-state.ts';
import { unitIdentity } from './identity.ts';
import type { InletSample, OutletSample, SimModel, SimModelOptions, UnitIdentity } from './model-types.ts';
import {
  demoName,
  energyAt,
  frequencyAt,
  type LineProfile,
  lineProfile,
  lineVoltageAt,
  MODEL_EPOCH,
  type OutletProfile,
  outletProfile,
  outletRoles,
  powerAt,
  powerFactorAt,
} from './profile.ts';
import { createSimState } from './state.ts';
import {
  breakerOf,
  createWiring,
  LINE_OFFSET_V,
  lineOf,
  THREE_PHASE_DROP_V,
  unbalancePercent,
} from './wiring.ts';

/** An inlet-metered unit serves no outlets; its inlet carries this many hidden loads. */
const HIDDEN_LOADS = 24;

export { MAX_NAME_LENGTH } from './controls.ts';
export type { InletSample, OutletSample, SimModel, SimModelOptions, UnitIdentity } from './model-types.ts';

export const DEFAULT_MODEL = 'PX3-5892';
export const DEFAULT_FIRMWARE = '4.2.0.5-50274';

/** Unsigned32 as served: floor, then modulo 2^32 (a tiny epsilon absorbs float error of set values). */
export function toCounter(wh: number): number {
  const n = Math.floor(wh + 1e-6) % COUNTER_MODULUS;
  return n < 0 ? n + COUNTER_MODULUS : n;
}

export function createSimModel(options: SimModelOptions = {}): SimModel {
  const units = options.units ?? 1;
  const outlets = options.outlets ?? 36;
  const seed = options.seed ?? 1;
  const tzMs = (options.tzOffsetMinutes ?? 0) * 60_000;
  if (!Number.isInteger(units) || units < 1 || units > 8)
    throw new RangeError(`units must be 1..8, got ${units}`);
  if (!Number.isInteger(outlets) || outlets < 0 || outlets > 64)
    throw new RangeError(`outlets must be 0..64, got ${outlets}`);
  const phases = options.phases ?? 1;
  if (phases !== 1 && phases !== 3) throw new RangeError(`phases must be 1 or 3, got ${String(phases)}`);
  const loads = outlets > 0 ? outlets : HIDDEN_LOADS;
  const wiring = createWiring(phases, options.breakers ?? (phases === 3 ? 6 : 2), loads);
  const hw = createHardwareState();

  const lines: LineProfile[] = [];
  const profiles: OutletProfile[][] = [];
  const identities: UnitIdentity[] = [];
  const names = new Map<string, string>();
  for (let u = 1; u <= units; u++) {
    const roles = outletRoles(seed, u, loads);
    lines[u] = lineProfile(seed, u);
    profiles[u] = [];
    for (let o = 1; o <= loads; o++) {
      const p = outletProfile(seed, u, o, roles, tzMs);
      profiles[u]![o] = p;
      if (options.presetNames !== false && p.kind !== 'idle' && p.initiallyOn)
        names.set(`${u}.${o}`, demoName(seed, u, o, p.kind));
    }
    identities[u] = unitIdentity(
      seed,
      u,
      options.model ?? DEFAULT_MODEL,
      options.firmware ?? DEFAULT_FIRMWARE,
    );
  }
  const offPeriod = options.powerOffPeriod ?? 10;
  if (!Number.isInteger(offPeriod) || offPeriod < 1 || offPeriod > 3600)
    throw new RangeError(`powerOffPeriod must be whole seconds 1..3600 (PDU2-MIB), got ${offPeriod}`);
  const state = createSimState({ names, offPeriod, switchDelayMs: options.switchDelayMs });
  for (let u = 1; u <= units; u++)
    for (const o of options.unswitchable ?? []) state.unswitchable.add(`${u}.${o}`);

  const checkUnit = (unit: number): LineProfile => {
    const line = lines[unit];
    if (!line) throw new RangeError(`no unit ${unit} (units: ${units})`);
    return line;
  };
  /** A load (an outlet, or a hidden load of an inlet-metered unit). */
  const load = (unit: number, outlet: number): OutletProfile => {
    checkUnit(unit);
    const p = profiles[unit]?.[outlet];
    if (!p) throw new RangeError(`no outlet ${outlet} on unit ${unit} (outlets: ${outlets})`);
    return p;
  };
  /** An outlet the agent serves. */
  const profile = (unit: number, outlet: number): OutletProfile => {
    if (outlet > outlets) throw new RangeError(`no outlet ${outlet} on unit ${unit} (outlets: ${outlets})`);
    return load(unit, outlet);
  };

  /** The line-to-neutral voltage of line 1..3, V (a 3-phase unit measures ~228 V under load). */
  const lineVoltage = (unit: number, line: 1 | 2 | 3, t: number) =>
    lineVoltageAt(checkUnit(unit), t) + (phases === 3 ? LINE_OFFSET_V[line] - THREE_PHASE_DROP_V : 0);

  /**
   * Energy used while switched on and fed (its protector closed), from the epoch to t: closed form
   * between switching and trip events.
   */
  function onEnergy(p: OutletProfile, unit: number, outlet: number, t: number): number {
    const switches = state.switchEvents(unit, outlet);
    const b = breakerOf(wiring, outlet);
    const trips = b === null ? [] : hw.breakerEvents(unit, b);
    let on = p.initiallyOn;
    let closed = true;
    let from = MODEL_EPOCH;
    let total = 0;
    let i = 0;
    let j = 0;
    for (;;) {
      const s = switches[i];
      const k = trips[j];
      const next = s && (!k || s.time <= k.time) ? s.time : k?.time;
      if (next === undefined || next > t) break;
      if (on && closed) total += energyAt(p, next) - energyAt(p, from);
      if (s && s.time === next) {
        on = s.on;
        i++;
      } else if (k) {
        closed = k.closed;
        j++;
      }
      from = next;
    }
    // energyAt(p, MODEL_EPOCH) is 0 exactly (every wave's integral starts there): an outlet never
    // switched nor tripped, nearly every one, costs one closed form a sample, not two.
    if (on && closed) total += energyAt(p, t) - (from === MODEL_EPOCH ? 0 : energyAt(p, from));
    return total;
  }

  /** The unwrapped counter of the last sample()/inletSample(), for the counter hooks. */
  let rawCounter = 0;

  function sample(unit: number, outlet: number, timeMs: number): OutletSample {
    const p = load(unit, outlet);
    const on = state.isOn(unit, outlet, timeMs, p.initiallyOn);
    const voltage = lineVoltage(unit, lineOf(wiring, outlet), timeMs) + p.voltageOffset;
    const b = breakerOf(wiring, outlet);
    // A tripped protector leaves its outlets switched on but without power.
    const fed = b === null || !hw.isTripped(unit, b, timeMs);
    const drawn = powerAt(p, timeMs) + hw.extraPower(unit, outlet, timeMs);
    const power = on && fed ? Math.max(0, drawn) : 0;
    const powerFactor = power > 0 ? powerFactorAt(p, timeMs) : null;
    const apparentPower = powerFactor === null ? 0 : power / powerFactor;
    const energyWh = onEnergy(p, unit, outlet, timeMs);
    const raw = p.initialWh + energyWh + state.energyAdjustment(unit, outlet, timeMs);
    rawCounter = raw;
    return {
      unit,
      outlet,
      time: timeMs,
      on,
      current: apparentPower / voltage,
      voltage,
      power,
      apparentPower,
      powerFactor,
      energyWh,
      energyCounter: toCounter(raw),
    };
  }

  function inletSample(unit: number, timeMs: number, given?: readonly OutletSample[]): InletSample {
    const line = checkUnit(unit);
    let current = 0;
    let power = 0;
    let apparentPower = 0;
    let energyWh = 0;
    const lineCurrents = [0, 0, 0];
    const reuse = given?.length === loads && given.every((s) => s.unit === unit && s.time === timeMs);
    for (let o = 1; o <= loads; o++) {
      const s = reuse ? (given[o - 1] as OutletSample) : sample(unit, o, timeMs);
      lineCurrents[lineOf(wiring, o) - 1]! += s.current;
      current += s.current;
      power += s.power;
      apparentPower += s.apparentPower;
      energyWh += s.energyWh;
    }
    const raw = line.inletInitialWh + energyWh + state.energyAdjustment(unit, 0, timeMs);
    rawCounter = raw;
    return {
      unit,
      time: timeMs,
      current,
      voltage: lineVoltage(unit, 1, timeMs),
      power,
      apparentPower,
      powerFactor: apparentPower > 0 ? power / apparentPower : null,
      energyWh,
      energyCounter: toCounter(raw),
      frequency: frequencyAt(line, timeMs),
      unbalancedCurrent: phases === 3 ? unbalancePercent(lineCurrents) : null,
    };
  }

  function setEnergyCounter(unit: number, outlet: number, wh: number, timeMs: number): void {
    if (outlet === 0) inletSample(unit, timeMs);
    else sample(unit, outlet, timeMs);
    state.addEnergyAdjustment(unit, outlet, timeMs, wh - rawCounter);
  }

  const extras = createHardware({
    seed,
    units,
    loads,
    wiring,
    hw,
    tzMs,
    environment: options.environment !== false,
    checkUnit,
    sample,
    lineVoltage,
    inletInitialWh: (unit) => checkUnit(unit).inletInitialWh,
    drawnCurrent(unit, outlet, t) {
      const p = load(unit, outlet);
      if (!state.isOn(unit, outlet, t, p.initiallyOn)) return 0;
      const w = Math.max(0, powerAt(p, t) + hw.extraPower(unit, outlet, t));
      return w / powerFactorAt(p, t) / lineVoltage(unit, lineOf(wiring, outlet), t);
    },
  });

  return {
    units,
    outlets,
    seed,
    state,
    wiring,
    loads,
    hardware: hw,
    ...extras,
    identity: (unit) => {
      checkUnit(unit);
      return identities[unit]!;
    },
    profile,
    sample,
    inletSample,
    ...createControls({ state, outlets, checkUnit, profile, setEnergyCounter }),
  };
}
