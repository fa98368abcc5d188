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

/** The lines as every consumer shows them (MQTT, HTTP, `probe --json`): the neutral with its current only. */
export type LinesView = Partial<Record<Exclude<LineId, 'N'>, LineReading>> & {
  N?: Pick<LineReading, 'current'>;
};

const LINE_ORDER: readonly LineId[] = ['L1', 'L2', 'L3', 'N'];

/** undefined for an inlet without lines (1-phase). */
export function linesView(lines: Partial<Record<LineId, LineReading>>): LinesView | undefined {
  const present = LINE_ORDER.filter((l) => lines[l] !== undefined);
  if (present.length === 0) return undefined;
  const out: LinesView = {};
  for (const l of present) {
    const line = lines[l]!;
    if (l === 'N') out.N = { current: line.current };
    else out[l] = { ...line };
  }
  return out;
}

/** A protector as every consumer shows it: the reading without its index and thresholds. */
export type BreakerView = Omit<BreakerReading, 'index' | 'thresholds'>;

export function breakerView(b: BreakerReading): BreakerView {
  return {
    label: b.label,
    name: b.name,
    type: b.type,
    rated_current: b.rated_current,
    current: b.current,
    peak_current: b.peak_current,
    state: b.state,
    tripped: b.tripped,
    outlets: [...b.outlets],
    alarms: b.alarms,
  };
}

/** An external sensor as every consumer shows it: the reading without its index, kind and thresholds. */
export type SensorView = Omit<ExternalSensorReading, 'index' | 'discrete' | 'thresholds'>;

export function sensorView(s: ExternalSensorReading): SensorView {
  return {
    id: s.id,
    name: s.name,
    type: s.type,
    value: s.value,
    unit: s.unit,
    state: s.state,
    serial: s.serial,
    alarms: s.alarms,
  };
}
