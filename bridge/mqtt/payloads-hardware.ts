import type {
  Alarms,
  BreakerReading,
  ExternalSensorReading,
  LineId,
  LineReading,
  PduReading,
} from '../readings.ts';

/**
 * The state payloads of what a PDU has beyond its outlets (docs/mqtt.md): the inlet's lines and its
 * unbalanced current in the PDU payload, one topic per overcurrent protector and per external sensor,
 * and `alarms` wherever measurements are published. SI units; `null` is "the PDU has no reading".
 */

/** A line conductor (L1, L2, L3): L-L `voltage` and L-N `voltage_ln`, as the pole reports them. */
export type LinePayload = LineReading;
/** The neutral pole carries a current only. */
export type NeutralPayload = Pick<LineReading, 'current'>;

/** What the PDU payload gains: `lines` on a multi-pole inlet, `unbalanced_current` where the PDU has it. */
export interface PduHardwareFields {
  lines?: Partial<Record<Exclude<LineId, 'N'>, LinePayload>> & { N?: NeutralPayload };
  /** unbalancedCurrent, %. */
  unbalanced_current?: number | null;
  alarms: Alarms;
}

export interface BreakerPayload {
  label: string;
  name: string;
  type: string | null;
  rated_current: number | null;
  current: number | null;
  peak_current: number | null;
  /** The trip sensor's state: "open" is tripped, "closed" normal. */
  state: 'open' | 'closed' | null;
  tripped: boolean | null;
  /** The outlets it feeds, by number. */
  outlets: number[];
  alarms: Alarms;
}

export interface SensorPayload {
  id: string;
  name: string;
  type: string;
  value: number | null;
  unit: string | null;
  state: string | null;
  serial: string;
  alarms: Alarms;
}

const LINE_ORDER: readonly LineId[] = ['L1', 'L2', 'L3', 'N'];

export function pduHardwareFields(r: PduReading): PduHardwareFields {
  const out: PduHardwareFields = { alarms: r.alarms };
  const present = LINE_ORDER.filter((l) => r.lines[l] !== undefined);
  if (present.length > 0) {
    const lines: NonNullable<PduHardwareFields['lines']> = {};
    for (const l of present) {
      const line = r.lines[l]!;
      if (l === 'N') lines.N = { current: line.current };
      else lines[l] = { ...line };
    }
    out.lines = lines;
  }
  if (r.inlet.unbalanced_current !== undefined) out.unbalanced_current = r.inlet.unbalanced_current;
  return out;
}

export function breakerPayload(b: BreakerReading): BreakerPayload {
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

export function sensorPayload(s: ExternalSensorReading): SensorPayload {
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
