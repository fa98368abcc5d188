/** Shapes of the simulated PDU model (model.ts): options, samples, and the model's API. */
import type { SimExternalSensor } from './environment.ts';
import type { ExternalOverride, HardwareState } from './hardware-state.ts';
import type { OutletProfile } from './profile.ts';
import type { SimState, SwitchOp } from './state.ts';
import type { Wiring } from './wiring.ts';

export type SampleOf = (unit: number, outlet: number) => OutletSample;

export interface PoleSample {
  /** A */
  current: number;
  /** Line-to-line, V (0 on the neutral). */
  voltage: number;
  /** Line-to-neutral, V (0 on the neutral). */
  voltageLN: number;
  power: number;
  apparentPower: number;
  powerFactor: number | null;
  /** activeEnergy counter, Wh (Unsigned32). */
  energyCounter: number;
}

export interface BreakerSample {
  current: number;
  peakCurrent: number;
  tripped: boolean;
}

export interface ExternalSample {
  /** The raw integer the agent serves (value × 10^decimals), 0 for discrete sensors. */
  value: number;
  /** SensorStateEnumeration. */
  state: number;
}

export interface SimModelOptions {
  /** Outlets per unit (PX3-5892: 36). 0: an inlet-metered unit (no outlet table; its load is hidden). */
  outlets?: number;
  /** 1 (default): a single-phase inlet; 3: a 3-phase wye inlet with poles L1, L2, L3 and N. */
  phases?: 1 | 3;
  /** Overcurrent protectors feeding consecutive groups of outlets (default 2 on 1-phase, 6 on 3-phase). */
  breakers?: number;
  /** External sensors: a temperature/humidity probe, a door contact, a leak detector (default true). */
  environment?: boolean;
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
  /** unbalancedCurrent of a 3-phase inlet, % (wiring.ts unbalancePercent); null on 1-phase. */
  unbalancedCurrent: number | null;
}

export interface UnitIdentity {
  manufacturer: string;
  model: string;
  serial: string;
  firmware: string;
  /** pxMACAddress: a locally administered address (02:…) derived from the seed. */
  mac: string;
  sysDescr: string;
}

/**
 * The nameplate the simulated PX3-5892 serves (outletRatedVoltage/Current, inletPoleCount,
 * inletRatedVoltage/Current): C13 outlets at 10 A, one single-phase 32 A inlet, as in the real PX3 walk.
 */
/** A 3-phase (wye) inlet's nameplate: 4 poles (pole 4 the neutral), 32 A per line. */
export const SIM_RATINGS_3PHASE = { inletPoles: 4, inletVoltage: '380-415V' } as const;

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
  readonly wiring: Wiring;
  /** The loads behind the inlet: the outlets, or on an inlet-metered unit its hidden ones. */
  readonly loads: number;
  readonly hardware: HardwareState;
  /** An inlet pole (1..3 the lines, 4 the neutral) of a 3-phase unit. */
  poleSample(unit: number, pole: number, timeMs: number, sampleOf?: SampleOf): PoleSample;
  breakerSample(unit: number, breaker: number, timeMs: number, sampleOf?: SampleOf): BreakerSample;
  /** The unit's external sensors that are plugged in. */
  sensors(unit: number): readonly SimExternalSensor[];
  externalSample(unit: number, sensor: number, timeMs: number): ExternalSample;
  /**
   * A numeric sensor's raw value at a time (as externalSample serves it) without updating the state's
   * hysteresis: what the backfill reads for past times (history-hardware.ts) while live polls go on.
   */
  externalValue(unit: number, sensor: number, timeMs: number): number;
  /** A protector trips (by overload: checkTrips) or a test trips it; reset closes it again. */
  tripBreaker(unit: number, breaker: number, timeMs: number): void;
  resetBreaker(unit: number, breaker: number, timeMs: number): void;
  /** Trips every protector of the unit whose load is past its rating at timeMs (the agent asks per request). */
  checkTrips(unit: number, timeMs: number): void;
  /** Test hook: extra active power on an outlet from timeMs on (negative takes it off); it draws no energy. */
  addLoad(unit: number, outlet: number, watts: number, timeMs: number): void;
  /** Test hook: a numeric sensor reads `value`, a discrete one is `active` (door open, water); null: back to the model. */
  setExternal(unit: number, sensor: number, override: ExternalOverride | null): void;
  /** Test hook: the sensor is unplugged (its rows vanish from the agent) or plugged back in. */
  setUnplugged(unit: number, sensor: number, unplugged: boolean): void;
  readonly seed: number;
  readonly state: SimState;
  identity(unit: number): UnitIdentity;
  profile(unit: number, outlet: number): OutletProfile;
  sample(unit: number, outlet: number, timeMs: number): OutletSample;
  /**
   * The inlet: the sum of its loads. `loads`, when given, are this unit's sample() of every load at
   * timeMs, in order (a caller that has them, the history backfill, spares sampling each twice).
   */
  inletSample(unit: number, timeMs: number, loads?: readonly OutletSample[]): InletSample;
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
