/**
 * The simulated PDU's external sensors: a temperature/humidity probe (one serial, two sensors) that
 * follows the day, a door contact that opens now and then, and a leak detector that stays dry unless a
 * test floods it. Values are pure functions of (seed, unit, time), as the rest of the model.
 */
import { ExtraSensorType } from '../snmp/mib-extras.ts';
import { DAY, HOUR, MINUTE, MODEL_EPOCH, rng, type Wave, waveAt } from './profile.ts';
import { HUMIDITY, type SimThresholds, TEMPERATURE } from './thresholds.ts';

export interface SimExternalSensor {
  /** sensorID. */
  id: number;
  type: number;
  name: string;
  serial: string;
  /** externalSensorChannelNumber: a contact's channel, -1 for others. */
  channel: number;
  /** SensorUnitsEnumeration (-1 none). */
  units: number;
  decimals: number;
  thresholds?: SimThresholds;
}

const serialOf = (seed: number, unit: number, kind: number, prefix: string) =>
  `${prefix}${String(Math.floor(rng(seed, unit, kind)() * 1e6)).padStart(6, '0')}`;

export function defaultSensors(seed: number, unit: number): SimExternalSensor[] {
  const probe = serialOf(seed, unit, 0x7e1, 'AEI');
  return [
    {
      id: 1,
      type: ExtraSensorType.temperature,
      name: 'Rack inlet temperature',
      serial: probe,
      channel: -1,
      units: 7,
      decimals: 1,
      thresholds: TEMPERATURE,
    },
    {
      id: 2,
      type: ExtraSensorType.humidity,
      name: 'Rack inlet humidity',
      serial: probe,
      channel: -1,
      units: 9,
      decimals: 0,
      thresholds: HUMIDITY,
    },
    {
      id: 3,
      type: ExtraSensorType.doorContact,
      name: 'Rack front door',
      serial: serialOf(seed, unit, 0xd00, 'AED'),
      channel: 1,
      units: -1,
      decimals: 0,
    },
    {
      id: 4,
      type: ExtraSensorType.waterDetection,
      name: 'Floor leak',
      serial: serialOf(seed, unit, 0x1ea, 'AEW'),
      channel: -1,
      units: -1,
      decimals: 0,
    },
  ];
}

function dayWaves(seed: number, unit: number, key: number, amp: number, peakHour: number): Wave[] {
  const r = rng(seed, unit, key);
  const phase = Math.PI / 2 - (2 * Math.PI * (peakHour * HOUR)) / DAY;
  return [
    { amp, period: DAY, phase },
    { amp: amp * 0.1, period: Math.round((31 + 10 * r()) * MINUTE), phase: r() * 6.28 },
  ];
}

/** Rack inlet air, °C: about 22 °C, warmest in the afternoon (servers busiest). */
export function temperatureAt(seed: number, unit: number, t: number, tzMs = 0): number {
  return 22 + waveAt(dayWaves(seed, unit, 0x7e2, 2.5, 15 - tzMs / HOUR), t);
}

/** Relative humidity, %: about 45 %, lowest when the air is warmest. */
export function humidityAt(seed: number, unit: number, t: number, tzMs = 0): number {
  return 45 + waveAt(dayWaves(seed, unit, 0x7e3, 6, 4 - tzMs / HOUR), t);
}

/** The door opens for a few minutes about every three hours, at a seeded moment of each window. */
const DOOR_WINDOW = 3 * HOUR;
const DOOR_OPEN = 4 * MINUTE;

export function doorOpenAt(seed: number, unit: number, t: number): boolean {
  const k = Math.floor((t - MODEL_EPOCH) / DOOR_WINDOW);
  const start = MODEL_EPOCH + k * DOOR_WINDOW + rng(seed, unit, 0xd01, k)() * (DOOR_WINDOW - DOOR_OPEN);
  return t >= start && t < start + DOOR_OPEN;
}
