/**
 * The simulated Raritan PX3-5892: a deterministic function of (seed, unit, outlet, time) from
 * profile.ts, plus a small log of what people did to it (renames, switching, energy resets, test
 * hooks). Events carry their time, so sample(t) stays a pure function of t and the log: the agent,
 * the tests and a history backfill all see the very same numbers.
 */
import { COUNTER_MODULUS } from '../snmp/mib.ts';
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
  rng,
} from './profile.ts';
import { createSimState } from './state.ts';

export type { InletSample, OutletSample, SimModel, SimModelOptions, UnitIdentity } from './model-types.ts';

export const MAX_NAME_LENGTH = 64;

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
  if (!Number.isInteger(outlets) || outlets < 1 || outlets > 64)
    throw new RangeError(`outlets must be 1..64, got ${outlets}`);

  const lines: LineProfile[] = [];
  const profiles: OutletProfile[][] = [];
  const identities: UnitIdentity[] = [];
  const names = new Map<string, string>();
  for (let u = 1; u <= units; u++) {
    const roles = outletRoles(seed, u, outlets);
    lines[u] = lineProfile(seed, u);
    profiles[u] = [];
    for (let o = 1; o <= outlets; o++) {
      const p = outletProfile(seed, u, o, roles, tzMs);
      profiles[u]![o] = p;
      if (options.presetNames !== false && p.kind !== 'idle' && p.initiallyOn)
        names.set(`${u}.${o}`, demoName(seed, u, o, p.kind));
    }
    const model = options.model ?? DEFAULT_MODEL;
    const firmware = options.firmware ?? DEFAULT_FIRMWARE;
    const serial = `SIM${String(Math.floor(rng(seed, u, 0x5e1)() * 1e7)).padStart(7, '0')}`;
    identities[u] = {
      manufacturer: 'Raritan',
      model,
      serial,
      firmware,
      // The real PX3's sysDescr, e.g. "Raritan PDU, MD:PX3-5493U-K2 HW:0x10 FW:4.2.0.5-50274".
      sysDescr: `Raritan PDU, MD:${model} HW:0x10 FW:${firmware}`,
    };
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
  const profile = (unit: number, outlet: number): OutletProfile => {
    checkUnit(unit);
    const p = profiles[unit]?.[outlet];
    if (!p) throw new RangeError(`no outlet ${outlet} on unit ${unit} (outlets: ${outlets})`);
    return p;
  };

  /** Energy used while switched on, from the epoch to t: closed form between switching events. */
  function onEnergy(p: OutletProfile, unit: number, outlet: number, t: number): number {
    let on = p.initiallyOn;
    let from = MODEL_EPOCH;
    let total = 0;
    for (const ev of state.switchEvents(unit, outlet)) {
      if (ev.time > t) break;
      if (on) total += energyAt(p, ev.time) - energyAt(p, from);
      on = ev.on;
      from = ev.time;
    }
    if (on) total += energyAt(p, t) - energyAt(p, from);
    return total;
  }

  /** The unwrapped counter of the last sample()/inletSample(), for the counter hooks. */
  let rawCounter = 0;

  function sample(unit: number, outlet: number, timeMs: number): OutletSample {
    const p = profile(unit, outlet);
    const line = checkUnit(unit);
    const on = state.isOn(unit, outlet, timeMs, p.initiallyOn);
    const voltage = lineVoltageAt(line, timeMs) + p.voltageOffset;
    const power = on ? powerAt(p, timeMs) : 0;
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

  function inletSample(unit: number, timeMs: number): InletSample {
    const line = checkUnit(unit);
    let current = 0;
    let power = 0;
    let apparentPower = 0;
    let energyWh = 0;
    for (let o = 1; o <= outlets; o++) {
      const s = sample(unit, o, timeMs);
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
      voltage: lineVoltageAt(line, timeMs),
      power,
      apparentPower,
      powerFactor: apparentPower > 0 ? power / apparentPower : null,
      energyWh,
      energyCounter: toCounter(raw),
      frequency: frequencyAt(line, timeMs),
    };
  }

  function setEnergyCounter(unit: number, outlet: number, wh: number, timeMs: number): void {
    if (outlet === 0) inletSample(unit, timeMs);
    else sample(unit, outlet, timeMs);
    state.addEnergyAdjustment(unit, outlet, timeMs, wh - rawCounter);
  }

  return {
    units,
    outlets,
    seed,
    state,
    identity: (unit) => {
      checkUnit(unit);
      return identities[unit]!;
    },
    profile,
    sample,
    inletSample,
    isOn: (unit, outlet, timeMs) => state.isOn(unit, outlet, timeMs, profile(unit, outlet).initiallyOn),
    isSensorAvailable: (unit, outlet, type) =>
      !state.unavailable.has(`${unit}.${outlet}.${type}`) && !state.unavailable.has(`${unit}.${outlet}.*`),
    outletName: (unit, outlet) => {
      profile(unit, outlet);
      return state.outletName(unit, outlet);
    },
    setOutletName(unit, outlet, name) {
      profile(unit, outlet);
      if (name.length > MAX_NAME_LENGTH) throw new RangeError(`outlet name longer than ${MAX_NAME_LENGTH}`);
      state.setOutletName(unit, outlet, name);
    },
    pduName: (unit) => {
      checkUnit(unit);
      return state.pduNames.get(unit) ?? '';
    },
    setPduName(unit, name) {
      checkUnit(unit);
      if (name.length > MAX_NAME_LENGTH) throw new RangeError(`PDU name longer than ${MAX_NAME_LENGTH}`);
      state.pduNames.set(unit, name);
    },
    switchOutlet(unit, outlet, op, timeMs) {
      profile(unit, outlet);
      if (state.unswitchable.has(`${unit}.${outlet}`))
        throw new RangeError(`outlet ${outlet} of unit ${unit} is not switchable`);
      state.addSwitch(unit, outlet, op, timeMs);
    },
    isSwitchable: (unit, outlet) => {
      profile(unit, outlet);
      return !state.unswitchable.has(`${unit}.${outlet}`);
    },
    setSwitchable(unit, outlet, switchable) {
      profile(unit, outlet);
      if (switchable) state.unswitchable.delete(`${unit}.${outlet}`);
      else state.unswitchable.add(`${unit}.${outlet}`);
    },
    resetEnergy: (unit, outlet, timeMs) => setEnergyCounter(unit, outlet, 0, timeMs),
    setEnergyCounter,
    stepEnergy(unit, outlet, deltaWh, timeMs) {
      if (outlet === 0) checkUnit(unit);
      else profile(unit, outlet);
      state.addEnergyAdjustment(unit, outlet, timeMs, deltaWh);
    },
    serveValue(unit, outlet, sensorType, value, opts = {}) {
      if (outlet === 0) checkUnit(unit);
      else profile(unit, outlet);
      const reads = opts.reads ?? 1;
      if (!(reads > 0)) throw new RangeError(`reads must be > 0, got ${reads}`);
      state.overrides.set(`${unit}.${outlet}.${sensorType}`, { value, type: opts.type ?? 'gauge', reads });
    },
    clearValue: (unit, outlet, sensorType) => {
      state.overrides.delete(`${unit}.${outlet}.${sensorType}`);
    },
    setOutletCount(unit, count) {
      checkUnit(unit);
      if (count === null) state.outletCounts.delete(unit);
      else if (!Number.isInteger(count) || count < 0 || count > outlets)
        throw new RangeError(`outlet count must be 0..${outlets}, got ${count}`);
      else state.outletCounts.set(unit, count);
    },
    setSensorAvailable(unit, outlet, type, available) {
      if (outlet === 0) checkUnit(unit);
      else profile(unit, outlet);
      const k = `${unit}.${outlet}.${type}`;
      if (available) state.unavailable.delete(k);
      else state.unavailable.add(k);
    },
    pause() {
      state.paused = true;
    },
    resume() {
      state.paused = false;
    },
  };
}
