import {
  type Alarms,
  type BreakerView,
  breakerView,
  type LinesView,
  linesView,
  type PduReading,
  type SensorView,
  sensorView,
} from '../readings.ts';

/**
 * The state payloads of what a PDU has beyond its outlets (docs/mqtt.md): the inlet's lines and its
 * unbalanced current in the PDU payload, one topic per overcurrent protector and per external sensor,
 * and `alarms` wherever measurements are published. SI units; `null` is "the PDU has no reading".
 */

/** What the PDU payload gains: `lines` on a multi-pole inlet, `unbalanced_current` where the PDU has it. */
export interface PduHardwareFields {
  lines?: LinesView;
  /** unbalancedCurrent, %. */
  unbalanced_current?: number | null;
  alarms: Alarms;
}

/** `…/breaker/<label>`. */
export type BreakerPayload = BreakerView;
/** `…/sensor/<id>`. */
export type SensorPayload = SensorView;

export function pduHardwareFields(r: PduReading): PduHardwareFields {
  const out: PduHardwareFields = { alarms: r.alarms };
  const lines = linesView(r.lines);
  if (lines) out.lines = lines;
  if (r.inlet.unbalanced_current !== undefined) out.unbalanced_current = r.inlet.unbalanced_current;
  return out;
}

export const breakerPayload: (b: PduReading['breakers'][number]) => BreakerPayload = breakerView;
export const sensorPayload: (s: PduReading['sensors'][number]) => SensorPayload = sensorView;
