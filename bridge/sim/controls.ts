/**
 * What people and tests do to a simulated PDU: rename, switch, reset energy counters, and the test
 * hooks (a served value, an outlet count, an unavailable sensor, silence). Each checks that the unit
 * and outlet exist, then writes the model's event log (state.ts), so sample(t) stays a function of t.
 */
import type { SimModel } from './model-types.ts';
import type { OutletProfile } from './profile.ts';
import type { SimState } from './state.ts';

/** outletName and pduName are DisplayStrings; the PX3 takes up to 64 characters. */
export const MAX_NAME_LENGTH = 64;

export type SimControls = Pick<
  SimModel,
  | 'isOn'
  | 'isSensorAvailable'
  | 'outletName'
  | 'setOutletName'
  | 'pduName'
  | 'setPduName'
  | 'switchOutlet'
  | 'isSwitchable'
  | 'setSwitchable'
  | 'resetEnergy'
  | 'setEnergyCounter'
  | 'stepEnergy'
  | 'serveValue'
  | 'clearValue'
  | 'setOutletCount'
  | 'setSensorAvailable'
  | 'pause'
  | 'resume'
>;

export interface ControlDeps {
  state: SimState;
  /** Outlets per unit the agent serves (setOutletCount's ceiling). */
  outlets: number;
  /** Throws RangeError for a unit the model does not have. */
  checkUnit(unit: number): unknown;
  /** Throws RangeError for an outlet the agent does not serve. */
  profile(unit: number, outlet: number): OutletProfile;
  setEnergyCounter(unit: number, outlet: number, wh: number, timeMs: number): void;
}

export function createControls(deps: ControlDeps): SimControls {
  const { state, outlets, checkUnit, profile, setEnergyCounter } = deps;
  return {
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
