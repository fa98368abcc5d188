import type { InletReading, Metrics, OnOff, OutletReading, PduReading } from '../readings.ts';
import { unitId } from '../readings.ts';
import {
  breakerOids,
  decodeBreakers,
  decodeExternal,
  decodeLines,
  externalOids,
  lineOids,
} from './decode-extras.ts';
import type { OutletLayout, PduLayout, SensorSpec, UnitLayout } from './layout.ts';
import { METRIC_SENSORS, OUTLET_MEASUREMENT, OUTLET_SWITCH, SensorState, SensorType } from './mib.ts';
import {
  type AlarmSink,
  newSink,
  readsState,
  type SensorReader,
  sensorReader,
  sinkResult,
  stateOid,
  valueOid,
} from './sensor-read.ts';
import type { SnmpValue } from './session.ts';
import { INLET_TABLE, OUTLET_TABLE } from './tables.ts';

export { scale } from './layout-sensors.ts';

/**
 * Pure decoding of a steady-state poll: which OIDs to GET for a layout, and the typed readings from what
 * came back. Scale by the PDU's decimal digits (outlet/inletSensorDecimalDigits), unavailable is null
 * (never 0), on/off from the onOff sensor's state (its value is always 0), energy from the unsigned
 * column, signed sensors from the signed one, and a value outside its column's type or its physical range
 * (bridge/facts/ranges.ts) is null plus a problem: never published, never recorded. Alarm states are the
 * PDU's own (bridge/facts/alarms.ts); a sensor's state is polled only where it can say something: an
 * enabled threshold, or a type whose state is the reading (sensor-read.ts readsState).
 */

/** Sensors whose state is read every poll: power factor goes unavailable on idle outlets, onOff is the state. */
const POLLED_STATES: readonly number[] = [SensorType.powerFactor, SensorType.onOff];
const INLET_TYPES: readonly number[] = [
  ...Object.values(METRIC_SENSORS),
  SensorType.frequency,
  SensorType.unbalancedCurrent,
];
const METRICS = Object.entries(METRIC_SENSORS) as [keyof Metrics, number][];

/** The OIDs one steady-state poll GETs. */
export function pollOids(layout: PduLayout): string[] {
  const oids: string[] = [];
  for (const unit of layout.units) {
    for (const inlet of unit.inlets.keys()) {
      const sensors = unit.inlets.get(inlet)!;
      for (const type of INLET_TYPES) {
        const spec = sensors.get(type);
        if (!spec?.available) continue;
        const index = `${unit.unit}.${inlet}.${type}`;
        oids.push(valueOid(INLET_TABLE, index, spec), stateOid(INLET_TABLE, index));
      }
    }
    for (const outlet of unit.outlets) {
      for (const type of Object.values(METRIC_SENSORS)) {
        const spec = outlet.sensors.get(type);
        if (spec?.available) oids.push(valueOid(OUTLET_TABLE, `${unit.unit}.${outlet.outlet}.${type}`, spec));
      }
      for (const [type, spec] of outlet.sensors)
        if (readsState(spec, type, POLLED_STATES))
          oids.push(stateOid(OUTLET_TABLE, `${unit.unit}.${outlet.outlet}.${type}`));
      if (!outlet.sensors.has(SensorType.onOff) && outlet.hasSwitchState) {
        oids.push(`${OUTLET_SWITCH.state}.${unit.unit}.${outlet.outlet}`);
      }
    }
    lineOids(unit, oids);
    breakerOids(unit, oids);
    externalOids(unit, oids);
  }
  return oids;
}

export interface DecodeResult {
  units: PduReading[];
  /** Values that were missing or not numbers: each one is a null in the reading, never a zero. */
  problems: string[];
}

export function decodeReadings(
  layout: PduLayout,
  values: ReadonlyMap<string, SnmpValue>,
  opts: { source: string; time: number },
): DecodeResult {
  const problems: string[] = [];
  const reader = sensorReader(values, problems);

  function outletState(unit: UnitLayout, outlet: OutletLayout): OnOff | null {
    const onOff = outlet.sensors.get(SensorType.onOff);
    const state = onOff?.available
      ? values.get(`${OUTLET_MEASUREMENT.state}.${unit.unit}.${outlet.outlet}.${SensorType.onOff}`)
      : outlet.hasSwitchState
        ? values.get(`${OUTLET_SWITCH.state}.${unit.unit}.${outlet.outlet}`)
        : undefined;
    if (state === SensorState.on) return 'on';
    if (state === SensorState.off) return 'off';
    return null;
  }

  const units = layout.units.map((unit): PduReading => {
    const labels = new Map(unit.breakers.map((b) => [b.ocp, b.label]));
    const outlets = unit.outlets.map((o): OutletReading => {
      const sink = newSink();
      const m = {} as Metrics;
      for (const [key, type] of METRICS)
        m[key] = reader.field(
          sink,
          key,
          OUTLET_TABLE,
          `${unit.unit}.${o.outlet}.${type}`,
          o.sensors.get(type),
          type,
        );
      return {
        outlet: o.outlet,
        label: o.label,
        name: o.name,
        state: outletState(unit, o),
        ...m,
        energy_counter: counterWh(m.energy),
        rated_power: o.ratedPower,
        rated_current: o.ratedCurrent,
        switchable: o.switchable,
        ...sinkResult(sink),
        breaker: o.breaker === null ? null : (labels.get(o.breaker) ?? null),
      };
    });
    const sink = newSink();
    const inlet = inletTotals(unit, reader, sink);
    const lines = decodeLines(unit, reader, sink);
    return {
      id: unitId(opts.source, unit.unit),
      source: opts.source,
      unit: unit.unit,
      time: opts.time,
      identity: {
        name: unit.name,
        model: unit.model,
        serial: unit.serial,
        firmware: layout.firmware,
        ...(unit.mac ? { mac: unit.mac } : {}),
      },
      inlet,
      outlets,
      outlets_on: outlets.filter((o) => o.state === 'on').length,
      lines,
      breakers: decodeBreakers(unit, reader),
      sensors: decodeExternal(unit, values, problems),
      ...sinkResult(sink),
    };
  });
  return { units, problems };
}

/** The raw activeEnergy counter, Wh, back from the reading's kWh. */
const counterWh = (kwh: number | null) => (kwh === null ? null : Math.round(kwh * 1000));

const NO_INLET: InletReading = {
  power: null,
  apparent_power: null,
  current: null,
  voltage: null,
  power_factor: null,
  energy: null,
  frequency: null,
  energy_counter: null,
  rated_power: null,
  rated_current: null,
};

/**
 * Inlet totals. PX units have one inlet; on dual-inlet units the additive quantities sum, power factor
 * is recomputed from the sums, voltage and frequency come from the first inlet that has them. The alarms
 * and thresholds are the first inlet's (the PDU payload's fields).
 */
function inletTotals(unit: UnitLayout, reader: SensorReader, sink: AlarmSink): InletReading {
  const per = [...unit.inlets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([inlet, sensors], i): InletReading => {
      const into = i === 0 ? sink : newSink();
      const read = (field: string, type: number, spec: SensorSpec | undefined) =>
        reader.field(into, field, INLET_TABLE, `${unit.unit}.${inlet}.${type}`, spec, type);
      const m = {} as Metrics;
      for (const [key, type] of METRICS) m[key] = read(key, type, sensors.get(type));
      const r: InletReading = {
        ...m,
        frequency: read('frequency', SensorType.frequency, sensors.get(SensorType.frequency)),
        energy_counter: counterWh(m.energy),
        rated_power: unit.inletRatedPower.get(inlet) ?? null,
        rated_current: unit.inletRatedCurrent.get(inlet) ?? null,
      };
      const unbalanced = sensors.get(SensorType.unbalancedCurrent);
      if (unbalanced?.available)
        r.unbalanced_current = read('unbalanced_current', SensorType.unbalancedCurrent, unbalanced);
      return r;
    });
  if (per.length === 0) return { ...NO_INLET };
  if (per.length === 1) return per[0]!;
  type Summed =
    | 'power'
    | 'apparent_power'
    | 'current'
    | 'energy'
    | 'energy_counter'
    | 'rated_power'
    | 'rated_current';
  const sum = (k: Summed) =>
    per.every((r) => r[k] !== null) ? per.reduce((s, r) => s + (r[k] ?? 0), 0) : null;
  const first = (k: 'voltage' | 'frequency') => per.find((r) => r[k] !== null)?.[k] ?? null;
  const power = sum('power');
  const apparent = sum('apparent_power');
  return {
    power,
    apparent_power: apparent,
    current: sum('current'),
    voltage: first('voltage'),
    power_factor: power !== null && apparent ? round(power / apparent, 3) : null,
    energy: sum('energy'),
    frequency: first('frequency'),
    // The sum of Unsigned32 counters: a wrap of one inlet reads as a step back (docs/energy.md).
    energy_counter: sum('energy_counter'),
    rated_power: sum('rated_power'),
    rated_current: sum('rated_current'),
    ...(per[0]!.unbalanced_current !== undefined ? { unbalanced_current: per[0]!.unbalanced_current } : {}),
  };
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
