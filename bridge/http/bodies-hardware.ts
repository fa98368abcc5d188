import {
  type Alarms,
  type BreakerView,
  breakerView,
  type FieldThresholds,
  type LinesView,
  linesView,
  type PduReading,
  type SensorView,
  sensorView,
} from '../readings.ts';

/**
 * What the API and the event stream add to a unit beyond outlets and the inlet total (docs/http.md): its
 * lines, protectors and external sensors as MQTT publishes them, each with its alarms and, where a user
 * looks for them, its enabled thresholds (scaled, per field; a threshold the PDU has not enabled is absent).
 */

export type BreakerJson = BreakerView & { thresholds: FieldThresholds };
export type SensorJson = SensorView & { thresholds: FieldThresholds };

export interface HardwareJson {
  /** L1, L2, L3 (L-L `voltage`, L-N `voltage_ln`) and N (current) of a multi-pole inlet; null on 1-phase. */
  lines: LinesView | null;
  /** unbalancedCurrent, %; null where the PDU has no such sensor or no reading. */
  unbalanced_current: number | null;
  /** The inlet's and its lines' sensors in an alarm state (`current`, `lines.L2.current`, …). */
  alarms: Alarms;
  /** The enabled thresholds of the inlet's and its lines' sensors, keyed like `alarms`. */
  thresholds: FieldThresholds;
  breakers: BreakerJson[];
  sensors: SensorJson[];
}

const NONE: HardwareJson = Object.freeze({
  lines: null,
  unbalanced_current: null,
  alarms: {},
  thresholds: {},
  breakers: [],
  sensors: [],
});

export function hardwareJson(r: PduReading | undefined): HardwareJson {
  if (!r) return NONE;
  return {
    lines: linesView(r.lines) ?? null,
    unbalanced_current: r.inlet.unbalanced_current ?? null,
    alarms: r.alarms,
    thresholds: r.thresholds,
    breakers: r.breakers.map((b) => ({ ...breakerView(b), thresholds: b.thresholds })),
    sensors: r.sensors.map((s) => ({ ...sensorView(s), thresholds: s.thresholds })),
  };
}
