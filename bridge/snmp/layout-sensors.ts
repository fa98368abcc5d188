import type { Thresholds } from '../facts/alarms.ts';
import { decodeBits } from './bits.ts';
import { FALSE, SensorType, SensorUnits } from './mib.ts';
import { THRESHOLD_BITS, type ThresholdName } from './mib-extras.ts';
import type { SnmpValue } from './session.ts';
import type { SensorTable } from './tables.ts';

/**
 * Per sensor of a PDU2-MIB sensor table (tables.ts): its decimal digits, units, signedness, whether it is
 * available, and its enabled thresholds (…SensorEnabledThresholds, BITS) with their values, scaled by the
 * sensor's decimal digits like the value (docs/snmp.md). Pure.
 */

export interface SensorSpec {
  /** outlet/inlet/…SensorDecimalDigits: value ÷ 10^decimals. */
  decimals: number;
  /** SensorUnitsEnumeration, or undefined when the agent did not say. */
  units: number | undefined;
  /** SignedMinimum < 0: read the signed value column (and the signed threshold columns). */
  signed: boolean;
  /** IsAvailable true, or not reported (then presence comes from the config rows). */
  available: boolean;
  /** The thresholds whose bit is set in …EnabledThresholds (none when the column is absent). */
  enabled: readonly ThresholdName[];
  /** The enabled thresholds whose value the agent gave, scaled like the value. */
  thresholds: Thresholds;
}

/** Rows of a column: index suffix (as numbers) → value. */
export function columnRows(values: ReadonlyMap<string, SnmpValue>, column: string): Map<string, SnmpValue> {
  const prefix = `${column}.`;
  const rows = new Map<string, SnmpValue>();
  for (const [oid, value] of values) if (oid.startsWith(prefix)) rows.set(oid.slice(prefix.length), value);
  return rows;
}

export function asNumber(value: SnmpValue | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

export function asText(value: SnmpValue | undefined): string {
  return typeof value === 'string' ? value : '';
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

/** value ÷ 10^decimals, then into the reading model's unit (kWh, power factor 0..1). */
export function scale(raw: number, spec: Pick<SensorSpec, 'decimals' | 'units'>, type: number): number {
  let v = round(raw / 10 ** spec.decimals, spec.decimals);
  if (type === SensorType.powerFactor && spec.units === SensorUnits.percent)
    v = round(v / 100, spec.decimals + 2);
  if (type === SensorType.activeEnergy) v = round(v / 1000, spec.decimals + 3);
  return v;
}

const THRESHOLD_COLUMN: Record<ThresholdName, { plain: string; signed: string }> = {
  lower_critical: { plain: 'lowerCritical', signed: 'signedLowerCritical' },
  lower_warning: { plain: 'lowerWarning', signed: 'signedLowerWarning' },
  upper_warning: { plain: 'upperWarning', signed: 'signedUpperWarning' },
  upper_critical: { plain: 'upperCritical', signed: 'signedUpperCritical' },
};

/** The OID of one threshold of one sensor (index `<entity…>.<type>`): the signed twin for signed sensors. */
export function thresholdOid(
  table: SensorTable,
  index: string,
  signed: boolean,
  name: ThresholdName,
): string {
  const col = THRESHOLD_COLUMN[name];
  const columns = table.thresholds as unknown as Record<string, string>;
  return `${columns[signed ? col.signed : col.plain]}.${index}`;
}

/** Scaled thresholds from whatever threshold values `values` holds. */
export function readThresholds(
  values: ReadonlyMap<string, SnmpValue>,
  enabled: readonly ThresholdName[],
  oidOf: (name: ThresholdName) => string,
  toValue: (raw: number) => number,
): Thresholds {
  const out: Partial<Record<ThresholdName, number>> = {};
  for (const name of enabled) {
    const raw = values.get(oidOf(name));
    if (typeof raw === 'number' && Number.isFinite(raw)) out[name] = toValue(raw);
  }
  return out;
}

export function enabledOf(value: SnmpValue | undefined): ThresholdName[] {
  const bits = decodeBits(value);
  return bits ? THRESHOLD_BITS.filter((_, i) => bits.has(i)) : [];
}

/**
 * Sensor specs of one table, keyed by the entity index ("pdu.outlet", "pdu.inlet.pole", …) → type → spec.
 * `thresholdOids` collects the OIDs of the enabled thresholds, for the layout's follow-up GET.
 */
export function sensorSpecs(
  values: ReadonlyMap<string, SnmpValue>,
  table: SensorTable,
  thresholdOids: string[],
): Map<string, Map<number, SensorSpec>> {
  const decimals = columnRows(values, table.config.decimals);
  const units = columnRows(values, table.config.units);
  const signedMin = columnRows(values, table.config.signedMinimum);
  const enabledBits = columnRows(values, table.thresholds.enabledThresholds);
  const available = columnRows(values, table.measurement.isAvailable);
  // A sensor exists when the agent reports it available; without that column (PX2 walks), when it
  // has decimal digits. No decimals means no trustworthy scale: such a sensor is not read at all.
  const indexes = available.size > 0 ? available : decimals;
  const out = new Map<string, Map<number, SensorSpec>>();
  // Outlets of one PDU mostly share their specs (digits, units, thresholds): one object per distinct spec.
  // The layout lives as long as the PDU, and at 200 PDUs a spec per sensor was 50,400 objects and ~22 MB
  // of the daemon's ~87 MB live heap (a heap snapshot; docs/architecture.md, "Memory"). Specs are never
  // mutated, and readings share their thresholds objects (sensor-read.ts).
  const shared = new Map<string, SensorSpec>();
  for (const index of indexes.keys()) {
    const digits = asNumber(decimals.get(index));
    if (digits === undefined || digits < 0 || digits > 9) continue;
    const cut = index.lastIndexOf('.');
    if (cut < 0) continue;
    const key = index.slice(0, cut);
    const type = Number(index.slice(cut + 1));
    let specs = out.get(key);
    if (!specs) {
      specs = new Map();
      out.set(key, specs);
    }
    const signed = (asNumber(signedMin.get(index)) ?? 0) < 0;
    const enabled = enabledOf(enabledBits.get(index));
    const base = { decimals: digits, units: asNumber(units.get(index)) };
    const oidOf = (name: ThresholdName) => thresholdOid(table, index, signed, name);
    for (const name of enabled) thresholdOids.push(oidOf(name));
    // One literal with every field, not `{ ...base, … }`: V8 gave each spread copy a hidden class of its
    // own (~240 bytes of map and descriptors beside a 40-byte object, in the same snapshot).
    const spec: SensorSpec = {
      decimals: base.decimals,
      units: base.units,
      signed,
      available: available.size === 0 || asNumber(available.get(index)) !== FALSE,
      enabled,
      thresholds: readThresholds(values, enabled, oidOf, (raw) => scale(raw, base, type)),
    };
    const content = JSON.stringify([type, spec]);
    const known = shared.get(content);
    if (known === undefined) shared.set(content, spec);
    specs.set(type, known ?? spec);
  }
  return out;
}

/** The specs of one entity key: an empty map when the table has none. */
export function specsOf(
  all: ReadonlyMap<string, Map<number, SensorSpec>>,
  key: string,
): Map<number, SensorSpec> {
  return all.get(key) ?? new Map();
}
