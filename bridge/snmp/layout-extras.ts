import type { Thresholds } from '../facts/alarms.ts';
import { parseRating } from '../facts/rating.ts';
import {
  asNumber,
  asText,
  columnRows,
  enabledOf,
  readThresholds,
  type SensorSpec,
  scale,
} from './layout-sensors.ts';
import { FALSE } from './mib.ts';
import {
  EXTERNAL_CONFIG,
  EXTERNAL_MEASUREMENT,
  externalType,
  INLET_POLE_LINE,
  LINE_NAMES,
  OCP_CONFIG,
  OCP_TYPE_NAMES,
  OUTLET_POWER_SOURCE,
  type ThresholdName,
  UNIT_COUNTS,
  UNIT_TEXT,
} from './mib-extras.ts';
import type { SnmpValue } from './session.ts';

/**
 * The layout of what a unit has besides outlets and the inlet total: the inlet's poles (3-phase lines),
 * its overcurrent protectors with the outlets each feeds (outletPowerSource), and its external sensors.
 * Counts are often absent (the real PX3 walk has 8 external sensors and no managedExternalSensorCount),
 * so what exists is derived from the tables, as for outlets (docs/snmp.md). Pure.
 */

export type LineId = 'L1' | 'L2' | 'L3' | 'N';

export interface PoleLayout {
  /** inletPoleIndex. */
  pole: number;
  /** inletPoleLine, or the MIB's pole order (1 L1, 2 L2, 3 L3, 4 N) where the agent does not say. */
  line: LineId;
  sensors: Map<number, SensorSpec>;
}

export interface BreakerLayout {
  /** overCurrentProtectorIndex. */
  ocp: number;
  /** overCurrentProtectorLabel ("C1"), or the index where the agent has no configuration row. */
  label: string;
  name: string;
  /** OverCurrentProtectorTypeEnumeration as a name (breaker_1_pole, fuse, …), or null. */
  type: string | null;
  /** overCurrentProtectorRatedCurrent ("16A") in A, or null. */
  ratedCurrent: number | null;
  sensors: Map<number, SensorSpec>;
  /** The outlets whose outletPowerSource points at this protector, in order. */
  outlets: number[];
}

export interface ExternalSensorLayout {
  /** sensorID (externalSensorConfigurationTable's index). */
  sensor: number;
  /** The stable id topics and unique ids use (stableSensorIds). */
  id: string;
  /** SensorTypeEnumeration. */
  type: number;
  typeName: string;
  /** No numerical reading: the state is the reading (door, water, smoke, lock, …). */
  discrete: boolean;
  serial: string;
  name: string;
  /** externalSensorChannelNumber: contact sensors' channel, -1 for others. */
  channel: number;
  unit: string | null;
  decimals: number;
  /** measurementsExternalSensorIsAvailable at the layout read ("the sensor is present"). */
  available: boolean;
  enabled: readonly ThresholdName[];
  thresholds: Thresholds;
}

const split = (index: string) => index.split('.').map(Number);

/** The poles of the unit's first inlet that has any (PX units have one inlet). */
export function poleLayouts(
  values: ReadonlyMap<string, SnmpValue>,
  unit: number,
  specs: ReadonlyMap<string, Map<number, SensorSpec>>,
): PoleLayout[] {
  const lines = columnRows(values, INLET_POLE_LINE);
  const byInlet = new Map<number, PoleLayout[]>();
  for (const [key, sensors] of specs) {
    const [pdu, inlet, pole] = split(key);
    if (pdu !== unit || inlet === undefined || pole === undefined) continue;
    const line = LINE_NAMES[asNumber(lines.get(key)) ?? pole];
    if (!line) continue;
    const list = byInlet.get(inlet) ?? [];
    list.push({ pole, line, sensors });
    byInlet.set(inlet, list);
  }
  const first = [...byInlet.keys()].sort((a, b) => a - b)[0];
  return first === undefined ? [] : byInlet.get(first)!.sort((a, b) => a.pole - b.pole);
}

/** outlet → the protector feeding it, from outletPowerSource's RowPointer to overCurrentProtectorLabel. */
export function powerSources(values: ReadonlyMap<string, SnmpValue>, unit: number): Map<number, number> {
  const out = new Map<number, number>();
  const prefix = `${OCP_CONFIG.label}.${unit}.`;
  for (const [index, pointer] of columnRows(values, OUTLET_POWER_SOURCE)) {
    const [pdu, outlet] = split(index);
    if (pdu !== unit || outlet === undefined || typeof pointer !== 'string') continue;
    const target = pointer.replace(/^\./, '');
    // A pointer to an inletLabel (an unprotected outlet) or a transfer switch names no protector.
    if (!target.startsWith(prefix)) continue;
    const ocp = Number(target.slice(prefix.length));
    if (Number.isInteger(ocp) && ocp > 0) out.set(outlet, ocp);
  }
  return out;
}

export function breakerLayouts(
  values: ReadonlyMap<string, SnmpValue>,
  unit: number,
  specs: ReadonlyMap<string, Map<number, SensorSpec>>,
  sources: ReadonlyMap<number, number>,
): BreakerLayout[] {
  const labels = columnRows(values, OCP_CONFIG.label);
  const names = columnRows(values, OCP_CONFIG.name);
  const types = columnRows(values, OCP_CONFIG.type);
  const rated = columnRows(values, OCP_CONFIG.ratedCurrent);
  const ids = new Set<number>();
  for (const index of labels.keys()) if (split(index)[0] === unit) ids.add(split(index)[1]!);
  for (const key of specs.keys()) if (split(key)[0] === unit) ids.add(split(key)[1]!);
  for (const ocp of sources.values()) ids.add(ocp);
  const count = asNumber(values.get(`${UNIT_COUNTS.overCurrentProtectorCount}.${unit}`));
  return [...ids]
    .filter((ocp) => Number.isInteger(ocp) && ocp > 0 && (count === undefined || ocp <= count))
    .sort((a, b) => a - b)
    .map((ocp) => {
      const key = `${unit}.${ocp}`;
      return {
        ocp,
        label: asText(labels.get(key)) || String(ocp),
        name: asText(names.get(key)),
        type: OCP_TYPE_NAMES[asNumber(types.get(key)) ?? 0] ?? null,
        ratedCurrent: parseRating(asText(rated.get(key))),
        sensors: specs.get(key) ?? new Map(),
        outlets: [...sources]
          .filter(([, o]) => o === ocp)
          .map(([outlet]) => outlet)
          .sort((a, b) => a - b),
      };
    });
}

const THRESHOLD_COLUMNS: Record<ThresholdName, string> = {
  lower_critical: EXTERNAL_CONFIG.lowerCritical,
  lower_warning: EXTERNAL_CONFIG.lowerWarning,
  upper_warning: EXTERNAL_CONFIG.upperWarning,
  upper_critical: EXTERNAL_CONFIG.upperCritical,
};

export function externalThresholdOid(unit: number, sensor: number, name: ThresholdName): string {
  return `${THRESHOLD_COLUMNS[name]}.${unit}.${sensor}`;
}

function idPart(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * A stable id per sensor: serial + type (+ the channel of a contact sensor: a DX-D2C's two door
 * contacts share serial and type), or the sensorID where the serial is empty. The channels of one probe
 * share its serial (a temperature/humidity probe has one); ids that still collide (serials masked, as
 * in the real walk) get the sensorID appended.
 */
export function stableSensorIds(
  sensors: readonly Pick<ExternalSensorLayout, 'sensor' | 'serial' | 'typeName' | 'channel'>[],
): Map<number, string> {
  const base = new Map<number, string>();
  for (const s of sensors) {
    const serial = idPart(s.serial);
    base.set(
      s.sensor,
      serial === '' ? String(s.sensor) : `${serial}_${s.typeName}${s.channel >= 0 ? `_${s.channel}` : ''}`,
    );
  }
  const seen = new Map<string, number>();
  for (const id of base.values()) seen.set(id, (seen.get(id) ?? 0) + 1);
  const out = new Map<number, string>();
  for (const [sensor, id] of base) out.set(sensor, (seen.get(id) ?? 0) > 1 ? `${id}_${sensor}` : id);
  return out;
}

export function externalLayouts(
  values: ReadonlyMap<string, SnmpValue>,
  unit: number,
  thresholdOids: string[],
): ExternalSensorLayout[] {
  const types = columnRows(values, EXTERNAL_CONFIG.type);
  const serials = columnRows(values, EXTERNAL_CONFIG.serial);
  const names = columnRows(values, EXTERNAL_CONFIG.name);
  const channels = columnRows(values, EXTERNAL_CONFIG.channel);
  const units = columnRows(values, EXTERNAL_CONFIG.units);
  const decimals = columnRows(values, EXTERNAL_CONFIG.decimals);
  const enabledBits = columnRows(values, EXTERNAL_CONFIG.enabledThresholds);
  const available = columnRows(values, EXTERNAL_MEASUREMENT.isAvailable);
  const count = asNumber(values.get(`${UNIT_COUNTS.managedExternalSensorCount}.${unit}`));
  const list: Omit<ExternalSensorLayout, 'id'>[] = [];
  for (const [index, rawType] of types) {
    const [pdu, sensor] = split(index);
    const type = asNumber(rawType);
    if (pdu !== unit || sensor === undefined || type === undefined || !(sensor > 0)) continue;
    // managedExternalSensorCount counts the rows; it does not bound the ids (sensorIDs can have gaps).
    if (count === 0) continue;
    const unitsEnum = asNumber(units.get(index));
    const { name: typeName, discrete } = externalType(type, unitsEnum);
    const digits = asNumber(decimals.get(index)) ?? 0;
    const scaleBy = Number.isInteger(digits) && digits >= 0 && digits <= 9 ? digits : 0;
    // "This parameter does not apply to sensors without numerical reading."
    const enabled = discrete ? [] : enabledOf(enabledBits.get(index));
    const oidOf = (name: ThresholdName) => externalThresholdOid(unit, sensor, name);
    for (const name of enabled) thresholdOids.push(oidOf(name));
    list.push({
      sensor,
      type,
      typeName,
      discrete,
      serial: asText(serials.get(index)),
      name: asText(names.get(index)),
      channel: asNumber(channels.get(index)) ?? -1,
      unit: discrete ? null : (UNIT_TEXT[unitsEnum ?? -1] ?? null),
      decimals: scaleBy,
      available: asNumber(available.get(index)) !== FALSE,
      enabled,
      thresholds: readThresholds(values, enabled, oidOf, (raw) =>
        scale(raw, { decimals: scaleBy, units: unitsEnum }, type),
      ),
    });
  }
  list.sort((a, b) => a.sensor - b.sensor);
  const ids = stableSensorIds(list);
  return list.map((s) => ({ ...s, id: ids.get(s.sensor)! }));
}

/** The walked columns of this module (configuration; the values and states are polled). */
export const EXTRA_LAYOUT_COLUMNS = [
  UNIT_COUNTS.overCurrentProtectorCount,
  UNIT_COUNTS.managedExternalSensorCount,
  INLET_POLE_LINE,
  OCP_CONFIG.label,
  OCP_CONFIG.name,
  OCP_CONFIG.type,
  OCP_CONFIG.ratedCurrent,
  OUTLET_POWER_SOURCE,
  EXTERNAL_CONFIG.type,
  EXTERNAL_CONFIG.serial,
  EXTERNAL_CONFIG.name,
  EXTERNAL_CONFIG.channel,
  EXTERNAL_CONFIG.units,
  EXTERNAL_CONFIG.decimals,
  EXTERNAL_CONFIG.enabledThresholds,
  EXTERNAL_MEASUREMENT.isAvailable,
] as const;
