import { type Channel, refuseRaw, refuseValue } from '../facts/ranges.ts';
import type { InletReading, Metrics, OnOff, OutletReading, PduReading } from '../readings.ts';
import { unitId } from '../readings.ts';
import type { OutletLayout, PduLayout, SensorSpec, UnitLayout } from './layout.ts';
import {
  INLET_MEASUREMENT,
  METRIC_SENSORS,
  OUTLET_MEASUREMENT,
  OUTLET_SWITCH,
  SensorState,
  SensorType,
  SensorUnits,
} from './mib.ts';
import type { SnmpValue } from './session.ts';

/**
 * Pure decoding of a steady-state poll: which OIDs to GET for a layout, and the typed readings from what
 * came back. Scale by the PDU's decimal digits (outlet/inletSensorDecimalDigits), unavailable is null
 * (never 0), on/off from the onOff sensor's state (its value is always 0), energy from the unsigned
 * column, signed sensors from the signed one, and a value outside its column's type or its physical range
 * (bridge/facts/ranges.ts) is null plus a problem: never published, never recorded.
 */

/** Sensors whose state is read every poll: power factor goes unavailable on idle outlets, onOff is the state. */
const POLLED_STATES: readonly number[] = [SensorType.powerFactor, SensorType.onOff];
const INLET_TYPES: readonly number[] = [...Object.values(METRIC_SENSORS), SensorType.frequency];

type Table = { state: string; value: string; signedValue: string; channel: Channel };

const OUTLET_TABLE: Table = { ...OUTLET_MEASUREMENT, channel: 'outlet' };
const INLET_TABLE: Table = { ...INLET_MEASUREMENT, channel: 'inlet' };

function valueOid(table: Pick<Table, 'value' | 'signedValue'>, index: string, spec: SensorSpec): string {
  return `${spec.signed ? table.signedValue : table.value}.${index}`;
}

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
        oids.push(valueOid(INLET_MEASUREMENT, index, spec), `${INLET_MEASUREMENT.state}.${index}`);
      }
    }
    for (const outlet of unit.outlets) {
      for (const type of Object.values(METRIC_SENSORS)) {
        const spec = outlet.sensors.get(type);
        if (spec?.available)
          oids.push(valueOid(OUTLET_MEASUREMENT, `${unit.unit}.${outlet.outlet}.${type}`, spec));
      }
      for (const type of POLLED_STATES) {
        if (outlet.sensors.get(type)?.available) {
          oids.push(`${OUTLET_MEASUREMENT.state}.${unit.unit}.${outlet.outlet}.${type}`);
        }
      }
      if (!outlet.sensors.has(SensorType.onOff) && outlet.hasSwitchState) {
        oids.push(`${OUTLET_SWITCH.state}.${unit.unit}.${outlet.outlet}`);
      }
    }
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

  function read(table: Table, index: string, spec: SensorSpec | undefined, type: number): number | null {
    if (!spec?.available) return null;
    const state = values.get(`${table.state}.${index}`);
    if (state === SensorState.unavailable) return null;
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
    const value = scale(raw, spec, type);
    const impossible = refuseValue(type, value, table.channel);
    if (impossible) {
      problems.push(`${oid}: ${impossible}`);
      return null;
    }
    return value;
  }

  function metrics(table: Table, prefix: string, sensors: ReadonlyMap<number, SensorSpec>): Metrics {
    const m = {} as Metrics;
    for (const [key, type] of Object.entries(METRIC_SENSORS) as [keyof Metrics, number][]) {
      m[key] = read(table, `${prefix}.${type}`, sensors.get(type), type);
    }
    return m;
  }

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
    const outlets = unit.outlets.map((o): OutletReading => {
      const m = metrics(OUTLET_TABLE, `${unit.unit}.${o.outlet}`, o.sensors);
      return {
        outlet: o.outlet,
        label: o.label,
        name: o.name,
        state: outletState(unit, o),
        ...m,
        energy_counter: counterWh(m.energy),
        rated_power: o.ratedPower,
        switchable: o.switchable,
      };
    });
    return {
      id: unitId(opts.source, unit.unit),
      source: opts.source,
      unit: unit.unit,
      time: opts.time,
      identity: { name: unit.name, model: unit.model, serial: unit.serial, firmware: layout.firmware },
      inlet: inletTotals(unit, (inlet, type, spec) =>
        read(INLET_TABLE, `${unit.unit}.${inlet}.${type}`, spec, type),
      ),
      outlets,
      outlets_on: outlets.filter((o) => o.state === 'on').length,
    };
  });
  return { units, problems };
}

/** The raw activeEnergy counter, Wh, back from the reading's kWh. */
const counterWh = (kwh: number | null) => (kwh === null ? null : Math.round(kwh * 1000));

/**
 * Inlet totals. PX units have one inlet; on dual-inlet units the additive quantities sum, power factor
 * is recomputed from the sums, voltage and frequency come from the first inlet that has them.
 */
function inletTotals(
  unit: UnitLayout,
  read: (inlet: number, type: number, spec: SensorSpec | undefined) => number | null,
): InletReading {
  const per = [...unit.inlets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([inlet, sensors]): InletReading => {
      const m = {} as Metrics;
      for (const [key, type] of Object.entries(METRIC_SENSORS) as [keyof Metrics, number][]) {
        m[key] = read(inlet, type, sensors.get(type));
      }
      return {
        ...m,
        frequency: read(inlet, SensorType.frequency, sensors.get(SensorType.frequency)),
        energy_counter: counterWh(m.energy),
        rated_power: unit.inletRatedPower.get(inlet) ?? null,
      };
    });
  if (per.length === 0) {
    return {
      power: null,
      apparent_power: null,
      current: null,
      voltage: null,
      power_factor: null,
      energy: null,
      frequency: null,
      energy_counter: null,
      rated_power: null,
    };
  }
  if (per.length === 1) return per[0]!;
  type Summed = 'power' | 'apparent_power' | 'current' | 'energy' | 'energy_counter' | 'rated_power';
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
  };
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

/** value ÷ 10^decimals, then into the reading model's unit (kWh, power factor 0..1). */
export function scale(raw: number, spec: SensorSpec, type: number): number {
  let v = round(raw / 10 ** spec.decimals, spec.decimals);
  if (type === SensorType.powerFactor && spec.units === SensorUnits.percent)
    v = round(v / 100, spec.decimals + 2);
  if (type === SensorType.activeEnergy) v = round(v / 1000, spec.decimals + 3);
  return v;
}
