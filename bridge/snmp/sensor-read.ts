import { type Alarms, alarmsOf, isAlarm, stateName, type Thresholds } from '../facts/alarms.ts';
import { refuseRaw, refuseValue } from '../facts/ranges.ts';
import type { FieldThresholds } from '../readings.ts';
import { type SensorSpec, scale } from './layout-sensors.ts';
import { SensorState } from './mib.ts';
import type { SnmpValue } from './session.ts';
import type { SensorTable } from './tables.ts';

/**
 * Reading one sensor of a PDU2-MIB sensor table out of a poll's values: its value scaled by the PDU's
 * decimal digits (null, never 0, where the PDU has none, plus a problem for a value outside its
 * column's type or its physical range: bridge/facts/ranges.ts), and its state, which is the PDU's own
 * (never recomputed from value and thresholds: bridge/facts/alarms.ts). Pure.
 */

export function valueOid(table: SensorTable, index: string, spec: Pick<SensorSpec, 'signed'>): string {
  return `${spec.signed ? table.measurement.signedValue : table.measurement.value}.${index}`;
}

export function stateOid(table: SensorTable, index: string): string {
  return `${table.measurement.state}.${index}`;
}

/**
 * Whether a poll reads this sensor's state: where it can be an alarm (a threshold is enabled), and for
 * the types whose state is the reading or says "unavailable" (`always`: the power factor of an idle
 * outlet, onOff, a protector's trip sensor). A sensor with no enabled threshold is always normal.
 */
export function readsState(spec: SensorSpec, type: number, always: readonly number[]): boolean {
  return spec.available && (spec.enabled.length > 0 || always.includes(type));
}

/** Collects a reading's alarms and thresholds field by field. */
export interface AlarmSink {
  alarms: [string, string][];
  thresholds: Record<string, Thresholds>;
}

export const newSink = (): AlarmSink => ({ alarms: [], thresholds: {} });

export function sinkResult(sink: AlarmSink): { alarms: Alarms; thresholds: FieldThresholds } {
  return { alarms: alarmsOf(sink.alarms), thresholds: sink.thresholds };
}

export interface SensorReader {
  /** The scaled value, or null (unavailable, missing, refused). */
  value(table: SensorTable, index: string, spec: SensorSpec | undefined, type: number): number | null;
  /** The raw SensorStateEnumeration value polled for this sensor, if any. */
  state(table: SensorTable, index: string): number | undefined;
  /** The value, with the sensor's alarm and enabled thresholds recorded under `field`. */
  field(
    sink: AlarmSink,
    field: string,
    table: SensorTable,
    index: string,
    spec: SensorSpec | undefined,
    type: number,
  ): number | null;
}

export function sensorReader(values: ReadonlyMap<string, SnmpValue>, problems: string[]): SensorReader {
  function value(table: SensorTable, index: string, spec: SensorSpec | undefined, type: number) {
    if (!spec?.available) return null;
    if (values.get(stateOid(table, index)) === SensorState.unavailable) return null;
    const oid = valueOid(table, index, spec);
    const raw = values.get(oid);
    if (raw === undefined) {
      problems.push(`${oid}: no value`);
      return null;
    }
    if (typeof raw !== 'number' || !Number.isFinite(raw)) {
      problems.push(`${oid}: expected a number, got ${typeof raw}`);
      return null;
    }
    const wrongType = refuseRaw(raw, spec.signed);
    if (wrongType) {
      problems.push(`${oid}: ${wrongType}`);
      return null;
    }
    const v = scale(raw, spec, type);
    const impossible = refuseValue(type, v, table.channel);
    if (impossible) {
      problems.push(`${oid}: ${impossible}`);
      return null;
    }
    return v;
  }
  const state = (table: SensorTable, index: string) => {
    const s = values.get(stateOid(table, index));
    return typeof s === 'number' ? s : undefined;
  };
  return {
    value,
    state,
    field(sink, field, table, index, spec, type) {
      if (spec && spec.enabled.length > 0) sink.thresholds[field] = spec.thresholds;
      const s = state(table, index);
      if (spec?.available && isAlarm(type, s)) sink.alarms.push([field, stateName(s)!]);
      return value(table, index, spec, type);
    },
  };
}
