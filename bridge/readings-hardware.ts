import type { Alarms, Thresholds } from './facts/alarms.ts';

/**
 * The parts of the reading model (readings.ts re-exports them) beyond outlets and the inlet total:
 * inlet lines, overcurrent protectors, external sensors, and the alarm and threshold maps every
 * measurement-carrying reading has. Units as everywhere: A, V, W, VA, power factor 0..1, kWh; `null`
 * means the PDU has no reading.
 */

export type { Alarms, Thresholds } from './facts/alarms.ts';

/** Per field of one reading (`current`, `voltage`, …): its enabled thresholds, scaled. */
export type FieldThresholds = Readonly<Record<string, Thresholds>>;

export type LineId = 'L1' | 'L2' | 'L3' | 'N';

/** One pole of the inlet (measurementsInletPoleSensorTable). The neutral has a current only. */
export interface LineReading {
  current: number | null;
  /** rmsVoltage of a pole: line-to-line (≈ 394 V on a 400 V system). */
  voltage: number | null;
  /** rmsVoltageLN: line-to-neutral (≈ 228 V), what the outlets on that line see. */
  voltage_ln: number | null;
  power: number | null;
  apparent_power: number | null;
  power_factor: number | null;
  /** The pole's activeEnergy counter as the PDU reports it, kWh (not tracked like outlet energy). */
  energy: number | null;
}

/** An overcurrent protector (breaker or fuse) and what it feeds. */
export interface BreakerReading {
  /** overCurrentProtectorIndex. */
  index: number;
  /** overCurrentProtectorLabel as the PDU prints it ("C1"): the topic id. */
  label: string;
  name: string;
  /** breaker_1_pole, fuse, rcbo_2_pole, … (OverCurrentProtectorTypeEnumeration), or null. */
  type: string | null;
  /** overCurrentProtectorRatedCurrent, A. */
  rated_current: number | null;
  current: number | null;
  peak_current: number | null;
  /** The trip sensor's state: 'open' is tripped, 'closed' normal; null when the PDU has no reading. */
  state: 'open' | 'closed' | null;
  /** state === 'open'; null when the trip state is unknown. */
  tripped: boolean | null;
  /** The outlets it feeds (outletPowerSource), in order. */
  outlets: number[];
  alarms: Alarms;
  thresholds: FieldThresholds;
}

/** An external (peripheral) sensor: a probe channel, a door contact, a leak detector, … */
export interface ExternalSensorReading {
  /** sensorID. */
  index: number;
  /** Stable id: serial + type (+ contact channel), or the sensorID without a serial (docs/snmp.md). */
  id: string;
  name: string;
  /** temperature, humidity, door, water, smoke, motion, door_lock, … */
  type: string;
  /** The reading of a numeric sensor, scaled; null for discrete sensors and when there is none. */
  value: number | null;
  /** °C, %, …; null for discrete sensors. */
  unit: string | null;
  /** The PDU's state (normal, above_upper_warning, open, closed, alarmed, unavailable, …), or null. */
  state: string | null;
  serial: string;
  /** A discrete sensor: its state is its reading. */
  discrete: boolean;
  alarms: Alarms;
  thresholds: FieldThresholds;
}
