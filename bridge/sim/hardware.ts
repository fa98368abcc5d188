/**
 * The simulated PDU's hardware beyond outlets: the 3-phase inlet's poles (sums of the outlets on each
 * line, so the lines add up to the inlet), the overcurrent protectors (the sum of the outlets each feeds;
 * one trips when its load passes its rating), and the external sensors (environment.ts). Built by the
 * model (model.ts), which owns the outlets' physics.
 */

import { SensorState } from '../snmp/mib.ts';
import { ExtraSensorType } from '../snmp/mib-extras.ts';
import {
  defaultSensors,
  doorOpenAt,
  humidityAt,
  type SimExternalSensor,
  temperatureAt,
} from './environment.ts';
import type { HardwareState } from './hardware-state.ts';
import type {
  BreakerSample,
  ExternalSample,
  OutletSample,
  PoleSample,
  SampleOf,
  SimModel,
} from './model-types.ts';
import type { LineProfile } from './profile.ts';
import { rng } from './profile.ts';
import { BREAKER_RATED_A, lineOf, lineToLine, neutralCurrent, outletsOf, type Wiring } from './wiring.ts';

export interface HardwareDeps {
  seed: number;
  units: number;
  loads: number;
  wiring: Wiring;
  hw: HardwareState;
  tzMs: number;
  environment: boolean;
  checkUnit(unit: number): LineProfile;
  sample(unit: number, outlet: number, t: number): OutletSample;
  lineVoltage(unit: number, line: 1 | 2 | 3, t: number): number;
  inletInitialWh(unit: number): number;
  /** What the outlet would draw if its protector were closed, A. */
  drawnCurrent(unit: number, outlet: number, t: number): number;
}

type Extras = Pick<
  SimModel,
  | 'poleSample'
  | 'breakerSample'
  | 'sensors'
  | 'externalSample'
  | 'externalValue'
  | 'tripBreaker'
  | 'resetBreaker'
  | 'checkTrips'
  | 'addLoad'
  | 'setExternal'
  | 'setUnplugged'
>;

const NEXT_LINE = { 1: 2, 2: 3, 3: 1 } as const;

export function createHardware(d: HardwareDeps): Extras {
  const { wiring, hw } = d;
  const feeds: number[][] = [];
  for (let b = 1; b <= wiring.breakers; b++) feeds[b] = outletsOf(wiring, b, d.loads);
  const lineLoads: number[][] = [[], [], [], []];
  for (let o = 1; o <= d.loads; o++) lineLoads[lineOf(wiring, o)]!.push(o);
  const sensors: SimExternalSensor[][] = [];
  for (let u = 1; u <= d.units; u++) sensors[u] = d.environment ? defaultSensors(d.seed, u) : [];
  // Each pole's activeEnergy counter starts somewhere of its own, as the inlet's does.
  const poleInitialWh = (unit: number, pole: number) => Math.round(rng(d.seed, unit, pole, 0x901e)() * 3e7);

  const checkBreaker = (unit: number, b: number) => {
    if (!feeds[b]) throw new RangeError(`no protector ${b} on unit ${unit} (protectors: ${wiring.breakers})`);
  };
  const sensorOf = (unit: number, id: number): SimExternalSensor => {
    d.checkUnit(unit);
    const s = sensors[unit]?.find((x) => x.id === id);
    if (!s) throw new RangeError(`no external sensor ${id} on unit ${unit}`);
    return s;
  };

  function poleSample(unit: number, pole: number, t: number, sampleOf?: SampleOf): PoleSample {
    d.checkUnit(unit);
    const get = sampleOf ?? ((u: number, o: number) => d.sample(u, o, t));
    const lineSums = (line: 1 | 2 | 3) => {
      let current = 0;
      let power = 0;
      let apparent = 0;
      let energy = 0;
      for (const o of lineLoads[line]!) {
        const s = get(unit, o);
        current += s.current;
        power += s.power;
        apparent += s.apparentPower;
        energy += s.energyWh;
      }
      return { current, power, apparent, energy };
    };
    if (pole === 4) {
      const [a, b, c] = ([1, 2, 3] as const).map((l) => lineSums(l).current);
      const n = neutralCurrent(a!, b!, c!);
      return {
        current: n,
        voltage: 0,
        voltageLN: 0,
        power: 0,
        apparentPower: 0,
        powerFactor: null,
        energyCounter: 0,
      };
    }
    if (pole < 1 || pole > 3) throw new RangeError(`no pole ${pole}`);
    const line = pole as 1 | 2 | 3;
    const sums = lineSums(line);
    const ln = d.lineVoltage(unit, line, t);
    return {
      current: sums.current,
      voltage: lineToLine(ln, d.lineVoltage(unit, NEXT_LINE[line], t)),
      voltageLN: ln,
      power: sums.power,
      apparentPower: sums.apparent,
      powerFactor: sums.apparent > 0 ? sums.power / sums.apparent : null,
      energyCounter: Math.floor(poleInitialWh(unit, pole) + sums.energy) % 2 ** 32,
    };
  }

  function breakerSample(unit: number, b: number, t: number, sampleOf?: SampleOf): BreakerSample {
    d.checkUnit(unit);
    checkBreaker(unit, b);
    const get = sampleOf ?? ((u: number, o: number) => d.sample(u, o, t));
    let current = 0;
    for (const o of feeds[b]!) current += get(unit, o).current;
    // The peak of the last measurement interval: a little above the RMS of a server load.
    return { current, peakCurrent: current * 1.08, tripped: hw.isTripped(unit, b, t) };
  }

  /** A numeric sensor's value at `t` (an override wins), without touching the thresholds' memory. */
  function valueAt(unit: number, id: number, t: number): number {
    const s = sensorOf(unit, id);
    return (
      hw.override(unit, id)?.value ??
      (s.type === ExtraSensorType.humidity
        ? humidityAt(d.seed, unit, t, d.tzMs)
        : temperatureAt(d.seed, unit, t, d.tzMs))
    );
  }

  function externalSample(unit: number, id: number, t: number): ExternalSample {
    const s = sensorOf(unit, id);
    const o = hw.override(unit, id);
    switch (s.type) {
      case ExtraSensorType.doorContact: {
        const open = o?.active ?? doorOpenAt(d.seed, unit, t);
        return { value: 0, state: open ? SensorState.open : SensorState.closed };
      }
      case ExtraSensorType.waterDetection:
        return { value: 0, state: o?.active ? SensorState.alarmed : SensorState.normal };
      default: {
        const x = valueAt(unit, id, t);
        const state = s.thresholds
          ? hw.memory.state(`${unit}.ext.${id}`, x, s.thresholds)
          : SensorState.normal;
        return { value: Math.round(x * 10 ** s.decimals), state };
      }
    }
  }

  return {
    poleSample,
    breakerSample,
    sensors: (unit) => {
      d.checkUnit(unit);
      return (sensors[unit] ?? []).filter((s) => !hw.isUnplugged(unit, s.id));
    },
    externalSample,
    externalValue: (unit, id, t) => {
      const s = sensorOf(unit, id);
      return Math.round(valueAt(unit, id, t) * 10 ** s.decimals);
    },
    tripBreaker(unit, b, t) {
      d.checkUnit(unit);
      checkBreaker(unit, b);
      hw.trip(unit, b, t);
    },
    resetBreaker(unit, b, t) {
      d.checkUnit(unit);
      checkBreaker(unit, b);
      hw.reset(unit, b, t);
    },
    checkTrips(unit, t) {
      for (let b = 1; b <= wiring.breakers; b++) {
        if (hw.isTripped(unit, b, t)) continue;
        let load = 0;
        for (const o of feeds[b]!) load += d.drawnCurrent(unit, o, t);
        if (load > BREAKER_RATED_A) hw.trip(unit, b, t);
      }
    },
    addLoad(unit, outlet, watts, t) {
      d.checkUnit(unit);
      if (!(outlet >= 1 && outlet <= d.loads)) throw new RangeError(`no outlet ${outlet} on unit ${unit}`);
      hw.addLoad(unit, outlet, watts, t);
    },
    setExternal(unit, id, override) {
      sensorOf(unit, id);
      hw.setOverride(unit, id, override);
    },
    setUnplugged(unit, id, unplugged) {
      sensorOf(unit, id);
      hw.setUnplugged(unit, id, unplugged);
    },
  };
}
