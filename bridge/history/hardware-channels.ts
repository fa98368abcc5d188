import type { LineId, PduReading } from '../readings.ts';

/**
 * Which hardware series the history records of a unit (docs/architecture.md, "History"): per line
 * its current, L-L and L-N voltage and power (the neutral its current), per overcurrent protector its
 * current, per numeric external sensor its value. Discrete sensors (door, leak, lock, a breaker's trip
 * state) have no value to chart: their changes are the event log's (bridge/history/events.ts).
 *
 * Every value is stored as an integer in thousandths of its unit (mA, mV, mW, m°C, ‰ RH): one scale
 * for every series, exact for every PDU2-MIB decimal digits setting up to 3.
 */

export type HardwareKind = 'line' | 'breaker' | 'sensor';
export const HARDWARE_KINDS: readonly HardwareKind[] = ['line', 'breaker', 'sensor'];

/** One series: what it measures, and its number within the unit (its slot in the packed rows). */
export interface HardwareChannel {
  kind: HardwareKind;
  /** L1…N, the protector's label, or the external sensor's stable id. */
  key: string;
  /** current, voltage (L-L), voltage_ln, power; for an external sensor its type (temperature, …). */
  field: string;
  /** A, V, W, or the sensor's unit (°C, %, …). */
  unit: string;
  /** The breaker's or sensor's name as the PDU has it ('' for lines). */
  name: string;
}

/** One value of one series in one poll, before it has a channel number. */
export interface HardwareValue extends HardwareChannel {
  /** Thousandths of `unit`, an integer. */
  v: number;
}

export const SCALE = 1000;

/**
 * A series' identity inside a unit (kind, key, field, unit): its name may change, its channel does not.
 * A probe switched from °C to °F starts a new series: one series never mixes units.
 */
export const channelKey = (c: Pick<HardwareChannel, 'kind' | 'key' | 'field' | 'unit'>) =>
  `${c.kind}\u0000${c.key}\u0000${c.field}\u0000${c.unit}`;

const LINE_FIELDS = [
  ['current', 'A'],
  ['voltage', 'V'],
  ['voltage_ln', 'V'],
  ['power', 'W'],
] as const;
const LINES: readonly LineId[] = ['L1', 'L2', 'L3', 'N'];

/** The recordable values of one reading (none for a unit without lines, protectors or numeric sensors). */
export function hardwareValues(r: PduReading): HardwareValue[] {
  const out: HardwareValue[] = [];
  const push = (
    kind: HardwareKind,
    key: string,
    field: string,
    unit: string,
    name: string,
    v: number | null,
  ) => {
    if (v === null || !Number.isFinite(v)) return;
    out.push({ kind, key, field, unit, name, v: Math.round(v * SCALE) });
  };
  for (const l of LINES) {
    const line = r.lines[l];
    if (!line) continue;
    // The neutral carries a current only (measurementsInletPoleSensor on pole N).
    for (const [field, unit] of l === 'N' ? LINE_FIELDS.slice(0, 1) : LINE_FIELDS)
      push('line', l, field, unit, '', line[field]);
  }
  for (const b of r.breakers) push('breaker', b.label, 'current', 'A', b.name, b.current);
  for (const s of r.sensors) if (!s.discrete) push('sensor', s.id, s.type, s.unit ?? '', s.name, s.value);
  return out;
}
