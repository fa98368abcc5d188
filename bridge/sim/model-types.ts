/** Shapes of the simulated PDU model (model.ts): options, samples, and the model's API. */
import type { OutletProfile } from './profile.ts';
import type { SimState, SwitchOp } from './state.ts';

export interface SimModelOptions {
  /** Outlets per unit (PX3-5892: 36). */
  outlets?: number;
  /** Linked units behind one agent (pduCount). */
  units?: number;
  seed?: number;
  model?: string;
  firmware?: string;
  /** Local time offset for the day/night cycle, minutes east of UTC. */
  tzOffsetMinutes?: number;
  /** Give loaded outlets demo names ("db-02 PSU1"); idle and off outlets stay ''. Default true. */
  presetNames?: boolean;
  /**
   * globalOutletPowerCyclingPowerOffPeriod, seconds (1..3600): how long a power cycle
   * (switchingOperation cycle(2)) keeps an outlet off. Default 10, as on the real PDUs.
   */
  powerOffPeriod?: number;
  /** Outlets (on every unit) whose outletSwitchable is false: the PDU refuses to switch them. */
  unswitchable?: readonly number[];
  /** The PDU carries out a switching operation this long after the SET, ms (default 0). */
  switchDelayMs?: number;
}

export interface OutletSample {
  unit: number;
  outlet: number;
  time: number;
  on: boolean;
  /** A */
  current: number;
  /** V */
  voltage: number;
  /** W */
  power: number;
  /** VA (= voltage · current) */
  apparentPower: number;
  /** 0..1, or null when no current flows (the PX3 reports the sensor unavailable then). */
  powerFactor: number | null;
  /** Physical energy since the model epoch, Wh: monotone, unaffected by counter resets and hooks. */
  energyWh: number;
  /** activeEnergy as the PDU serves it: Unsigned32 Wh counter (wraps, resets). */
  energyCounter: number;
}

export interface InletSample extends Omit<OutletSample, 'outlet' | 'on'> {
  /** Hz */
  frequency: number;
}

export interface UnitIdentity {
  manufacturer: string;
  model: string;
  serial: string;
  firmware: string;
  sysDescr: string;
}

/**
 * The nameplate the simulated PX3-5892 serves (outletRatedVoltage/Current, inletPoleCount,
 * inletRatedVoltage/Current): C13 outlets at 10 A, one single-phase 32 A inlet, as in the real PX3 walk.
 */
export const SIM_RATINGS = {
  outletVoltage: '200-240V',
  outletCurrent: '10A',
  inletPoles: 2,
  inletVoltage: '200-240V',
  inletCurrent: '32A',
} as const;

export interface SimModel {
  readonly units: number;
  readonly outlets: number;
  readonly seed: number;
  readonly state: SimState;
  identity(unit: number): UnitIdentity;
  profile(unit: number, outlet: number): OutletProfile;
  sample(unit: number, outlet: number, timeMs: number): OutletSample;
  inletSample(unit: number, timeMs: number): InletSample;
  isOn(unit: number, outlet: number, timeMs: number): boolean;
  /** False while a test hook made the sensor unavailable (outlet 0 = the inlet). */
  isSensorAvailable(unit: number, outlet: number, sensorType: number): boolean;

  outletName(unit: number, outlet: number): string;
  /** outletName is a DisplayString; the PX3 takes up to 64 characters. */
  setOutletName(unit: number, outlet: number, name: string): void;
  pduName(unit: number): string;
  setPduName(unit: number, name: string): void;
  /** switchingOperation: off stops the outlet's power and energy; cycle is off for its off-period, then on. */
  switchOutlet(unit: number, outlet: number, op: SwitchOp, timeMs: number): void;
  /** outletSwitchable. */
  isSwitchable(unit: number, outlet: number): boolean;
  /** Test hook: the PDU reports the outlet (not) switchable and refuses (or takes) switching operations. */
  setSwitchable(unit: number, outlet: number, switchable: boolean): void;
  /** outletSensorResetValue ← 0: the activeEnergy counter restarts at 0 at timeMs. */
  resetEnergy(unit: number, outlet: number, timeMs: number): void;
  /** Test hook: make the counter read `wh` at timeMs (e.g. 2^32 - 10 to force a wrap). Outlet 0 = inlet. */
  setEnergyCounter(unit: number, outlet: number, wh: number, timeMs: number): void;
  /** Test hook: the counter moves by `deltaWh` at timeMs and stays moved (negative: a step back). */
  stepEnergy(unit: number, outlet: number, deltaWh: number, timeMs: number): void;
  /**
   * Test hook: the next `reads` reads (default 1; Infinity: until clearValue) of this sensor's value
   * column (measurements…SensorValue, Unsigned32) serve `value` instead of the reading: a one-read
   * glitch such as 4294967295, or with type 'integer' a wrongly typed value (-2,000,000,000).
   */
  serveValue(
    unit: number,
    outlet: number,
    sensorType: number,
    value: number,
    opts?: { reads?: number; type?: 'gauge' | 'integer' },
  ): void;
  clearValue(unit: number, outlet: number, sensorType: number): void;
  /** Test hook: outletCount reads `count` (null: the real count), as after a PDU reconfiguration. */
  setOutletCount(unit: number, count: number | null): void;
  /** Test hook: sensorType '*' = every sensor of that outlet (outlet 0 = inlet). */
  setSensorAvailable(unit: number, outlet: number, sensorType: number | '*', available: boolean): void;
  /** Test hook: the agent stops answering (requests are dropped) until resume(). */
  pause(): void;
  resume(): void;
}
