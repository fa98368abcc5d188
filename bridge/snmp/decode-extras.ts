import { alarmsOf, isAlarm, stateName } from '../facts/alarms.ts';
import { INTEGER32 } from '../facts/ranges.ts';
import type {
  BreakerReading,
  ExternalSensorReading,
  FieldThresholds,
  LineId,
  LineReading,
} from '../readings.ts';
import type { UnitLayout } from './layout.ts';
import { scale } from './layout-sensors.ts';
import { SensorState, SensorType } from './mib.ts';
import { EXTERNAL_MEASUREMENT, ExtraSensorType } from './mib-extras.ts';
import {
  type AlarmSink,
  newSink,
  readsState,
  type SensorReader,
  sinkResult,
  stateOid,
  valueOid,
} from './sensor-read.ts';
import type { SnmpValue } from './session.ts';
import { OCP_TABLE, POLE_TABLE } from './tables.ts';

/**
 * Decoding the inlet's lines, the overcurrent protectors and the external sensors of a poll (see
 * decode.ts for the rules every value follows). A pole's rmsVoltage is line-to-line and its rmsVoltageLN
 * line-to-neutral; the neutral has a current only. A protector's trip sensor open(0) means tripped. A
 * discrete external sensor (door, water, lock, …) has no value: its state is the reading. Pure.
 */

const LINE_FIELDS: readonly [keyof LineReading, number][] = [
  ['current', SensorType.rmsCurrent],
  ['voltage', SensorType.rmsVoltage],
  ['voltage_ln', ExtraSensorType.rmsVoltageLN],
  ['power', SensorType.activePower],
  ['apparent_power', SensorType.apparentPower],
  ['power_factor', SensorType.powerFactor],
  ['energy', SensorType.activeEnergy],
];
const LINE_ORDER: readonly LineId[] = ['L1', 'L2', 'L3', 'N'];
const LINE_STATES: readonly number[] = [SensorType.powerFactor];

const BREAKER_FIELDS: readonly ['current' | 'peak_current', number][] = [
  ['current', SensorType.rmsCurrent],
  ['peak_current', SensorType.peakCurrent],
];
const BREAKER_STATES: readonly number[] = [ExtraSensorType.trip];

/** Lines are published for multi-phase inlets: a 1-phase inlet's two poles (L1, N) repeat its totals. */
function isMultiPhase(unit: UnitLayout): boolean {
  return unit.poles.filter((p) => p.line !== 'N').length >= 2;
}

export function lineOids(unit: UnitLayout, oids: string[]): void {
  if (!isMultiPhase(unit)) return;
  for (const pole of unit.poles) {
    const inlet = [...unit.inlets.keys()].sort((a, b) => a - b)[0] ?? 1;
    for (const [, type] of LINE_FIELDS) {
      const spec = pole.sensors.get(type);
      if (!spec?.available) continue;
      const index = `${unit.unit}.${inlet}.${pole.pole}.${type}`;
      oids.push(valueOid(POLE_TABLE, index, spec));
      if (readsState(spec, type, LINE_STATES)) oids.push(stateOid(POLE_TABLE, index));
    }
  }
}

export function decodeLines(
  unit: UnitLayout,
  reader: SensorReader,
  sink: AlarmSink,
): Partial<Record<LineId, LineReading>> {
  const lines: Partial<Record<LineId, LineReading>> = {};
  if (!isMultiPhase(unit)) return lines;
  const inlet = [...unit.inlets.keys()].sort((a, b) => a - b)[0] ?? 1;
  for (const line of LINE_ORDER) {
    const pole = unit.poles.find((p) => p.line === line);
    if (!pole) continue;
    const r = {} as LineReading;
    for (const [field, type] of LINE_FIELDS) {
      const index = `${unit.unit}.${inlet}.${pole.pole}.${type}`;
      r[field] = reader.field(
        sink,
        `lines.${line}.${field}`,
        POLE_TABLE,
        index,
        pole.sensors.get(type),
        type,
      );
    }
    lines[line] = r;
  }
  return lines;
}

export function breakerOids(unit: UnitLayout, oids: string[]): void {
  for (const b of unit.breakers) {
    for (const [type, spec] of b.sensors) {
      if (!spec.available) continue;
      const index = `${unit.unit}.${b.ocp}.${type}`;
      if (BREAKER_FIELDS.some(([, t]) => t === type)) oids.push(valueOid(OCP_TABLE, index, spec));
      if (readsState(spec, type, BREAKER_STATES)) oids.push(stateOid(OCP_TABLE, index));
    }
  }
}

export function decodeBreakers(unit: UnitLayout, reader: SensorReader): BreakerReading[] {
  return unit.breakers.map((b) => {
    const sink = newSink();
    const read = (field: string, type: number) =>
      reader.field(sink, field, OCP_TABLE, `${unit.unit}.${b.ocp}.${type}`, b.sensors.get(type), type);
    const current = read('current', SensorType.rmsCurrent);
    const peak = read('peak_current', SensorType.peakCurrent);
    const trip = b.sensors.get(ExtraSensorType.trip);
    const raw = trip?.available
      ? reader.state(OCP_TABLE, `${unit.unit}.${b.ocp}.${ExtraSensorType.trip}`)
      : undefined;
    // Trip: unavailable, open (tripped) or closed (PDU2-MIB's states per sensor type).
    const state = raw === 0 ? 'open' : raw === 1 ? 'closed' : null;
    if (state !== null && isAlarm(ExtraSensorType.trip, raw)) sink.alarms.push(['state', state]);
    return {
      index: b.ocp,
      label: b.label,
      name: b.name,
      type: b.type,
      rated_current: b.ratedCurrent,
      current,
      peak_current: peak,
      state,
      tripped: state === null ? null : state === 'open',
      outlets: b.outlets,
      ...sinkResult(sink),
    };
  });
}

export function externalOids(unit: UnitLayout, oids: string[]): void {
  for (const s of unit.sensors) {
    const index = `${unit.unit}.${s.sensor}`;
    if (!s.discrete) oids.push(`${EXTERNAL_MEASUREMENT.value}.${index}`);
    oids.push(`${EXTERNAL_MEASUREMENT.state}.${index}`);
  }
}

export function decodeExternal(
  unit: UnitLayout,
  values: ReadonlyMap<string, SnmpValue>,
  problems: string[],
): ExternalSensorReading[] {
  return unit.sensors.map((s) => {
    const index = `${unit.unit}.${s.sensor}`;
    const rawState = values.get(`${EXTERNAL_MEASUREMENT.state}.${index}`);
    const state = stateName(rawState);
    let value: number | null = null;
    if (!s.discrete && rawState !== SensorState.unavailable && state !== null) {
      const oid = `${EXTERNAL_MEASUREMENT.value}.${index}`;
      const raw = values.get(oid);
      // measurementsExternalSensorValue is an Integer32.
      if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < INTEGER32.min || raw > INTEGER32.max)
        problems.push(`${oid}: ${raw === undefined ? 'no value' : `${String(raw)} is not an Integer32`}`);
      else value = scale(raw, { decimals: s.decimals, units: undefined }, s.type);
    }
    return {
      index: s.sensor,
      id: s.id,
      name: s.name,
      type: s.typeName,
      value,
      unit: s.unit,
      state,
      serial: s.serial,
      discrete: s.discrete,
      alarms: alarmsOf(isAlarm(s.type, rawState) && state ? [[s.discrete ? 'state' : 'value', state]] : []),
      thresholds: (s.enabled.length > 0 ? { value: s.thresholds } : {}) as FieldThresholds,
    };
  });
}
