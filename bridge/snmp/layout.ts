import { ratedPowerW } from '../facts/rating.ts';
import {
  FALSE,
  INLET_CONFIG,
  INLET_MEASUREMENT,
  INLET_SENSOR_CONFIG,
  NAMEPLATE,
  OUTLET_CONFIG,
  OUTLET_MEASUREMENT,
  OUTLET_RATING,
  OUTLET_SENSOR_CONFIG,
  OUTLET_SWITCH,
  PDU_COUNT,
  SYS_DESCR,
  SYS_OBJECT_ID,
  TRUE,
  UNIT_CONFIG,
} from './mib.ts';
import type { SnmpValue } from './session.ts';

/**
 * The slow-changing shape of a PDU, read at start, after a rename and every few minutes: units, identity,
 * outlet labels and names, and per sensor its decimal digits, units and whether it is signed and
 * available. Steady-state polls then GET only the value and state OIDs this layout says exist.
 */

export interface SensorSpec {
  /** outlet/inletSensorDecimalDigits: value ÷ 10^decimals. */
  decimals: number;
  /** SensorUnitsEnumeration, or undefined when the agent did not say. */
  units: number | undefined;
  /** SignedMinimum < 0: read the signed value column. */
  signed: boolean;
  /** IsAvailable true, or not reported (then presence comes from the config rows). */
  available: boolean;
}

export interface OutletLayout {
  outlet: number;
  label: string;
  name: string;
  sensors: Map<number, SensorSpec>;
  /** outletSwitchControlTable answers for this outlet: its outletSwitchingState can be read. */
  hasSwitchState: boolean;
  /**
   * outletSwitchable is true(1). False when the PDU says false or does not say: only what the PDU
   * reports as switchable ever gets a switch (docs/commands.md).
   */
  switchable: boolean;
  /** Nameplate power from outletRatedVoltage × outletRatedCurrent, W, or null when the PDU does not say. */
  ratedPower: number | null;
}

export interface UnitLayout {
  unit: number;
  model: string;
  serial: string;
  name: string;
  outlets: OutletLayout[];
  /** inlet id → sensors. */
  inlets: Map<number, Map<number, SensorSpec>>;
  /** inlet id → nameplate power (inletRatedVoltage × inletRatedCurrent, × phases), W, or null. */
  inletRatedPower: Map<number, number | null>;
}

export interface PduLayout {
  sysDescr: string;
  firmware: string;
  units: UnitLayout[];
}

/** The scalars read before the column walks. */
export const LAYOUT_SCALARS = [SYS_DESCR, SYS_OBJECT_ID, PDU_COUNT] as const;

/** Switching: whether the PDU says an outlet can be switched at all (docs/commands.md). */
export const SWITCHING_COLUMNS = [OUTLET_CONFIG.switchable] as const;

/** Every column the layout needs, walked together. */
export const LAYOUT_COLUMNS = [
  NAMEPLATE.model,
  NAMEPLATE.serial,
  UNIT_CONFIG.outletCount,
  UNIT_CONFIG.pduName,
  OUTLET_CONFIG.label,
  OUTLET_CONFIG.name,
  OUTLET_SENSOR_CONFIG.units,
  OUTLET_SENSOR_CONFIG.decimals,
  OUTLET_SENSOR_CONFIG.signedMinimum,
  OUTLET_MEASUREMENT.isAvailable,
  INLET_SENSOR_CONFIG.units,
  INLET_SENSOR_CONFIG.decimals,
  INLET_SENSOR_CONFIG.signedMinimum,
  INLET_MEASUREMENT.isAvailable,
  // The nameplate bounds what a channel could draw: the energy tracker's plausibility bound.
  OUTLET_RATING.voltage,
  OUTLET_RATING.current,
  INLET_CONFIG.poleCount,
  INLET_CONFIG.ratedVoltage,
  INLET_CONFIG.ratedCurrent,
  OUTLET_SWITCH.state,
  ...SWITCHING_COLUMNS,
] as const;

export class LayoutError extends Error {}

/** Rows of a column: index suffix (as numbers) → value. */
export function columnRows(values: ReadonlyMap<string, SnmpValue>, column: string): Map<string, SnmpValue> {
  const prefix = `${column}.`;
  const rows = new Map<string, SnmpValue>();
  for (const [oid, value] of values) if (oid.startsWith(prefix)) rows.set(oid.slice(prefix.length), value);
  return rows;
}

function splitIndex(index: string): number[] {
  return index.split('.').map(Number);
}

export function firmwareFromSysDescr(sysDescr: string): string {
  // PX3/PX4: "Raritan PDU, MD:PX3-5493U-K2 HW:0x10 FW:4.2.0.5-50274"; PX2: "PX2 030004".
  const fw = /FW:(\S+)/.exec(sysDescr);
  if (fw) return fw[1]!;
  const px2 = /^PX\d?\s+(\S+)$/.exec(sysDescr.trim());
  return px2 ? px2[1]! : '';
}

function modelFromSysDescr(sysDescr: string): string {
  const md = /MD:(\S+)/.exec(sysDescr);
  if (md) return md[1]!;
  return /^(PX\d?)\b/.exec(sysDescr.trim())?.[1] ?? '';
}

function asNumber(value: SnmpValue | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function asText(value: SnmpValue | undefined): string {
  return typeof value === 'string' ? value : '';
}

/** Sensor specs of one table (outlet or inlet), keyed "pdu.entity" → type → spec. */
function sensorSpecs(
  values: ReadonlyMap<string, SnmpValue>,
  config: { units: string; decimals: string; signedMinimum: string },
  isAvailableColumn: string,
): Map<string, Map<number, SensorSpec>> {
  const decimals = columnRows(values, config.decimals);
  const units = columnRows(values, config.units);
  const signedMin = columnRows(values, config.signedMinimum);
  const available = columnRows(values, isAvailableColumn);
  // A sensor exists when the agent reports it available; without that column (PX2 walks), when it
  // has decimal digits. No decimals means no trustworthy scale: such a sensor is not read at all.
  const indexes = available.size > 0 ? available : decimals;
  const out = new Map<string, Map<number, SensorSpec>>();
  for (const index of indexes.keys()) {
    const digits = asNumber(decimals.get(index));
    if (digits === undefined || digits < 0 || digits > 9) continue;
    const [pdu, entity, type] = splitIndex(index);
    if (pdu === undefined || entity === undefined || type === undefined) continue;
    const key = `${pdu}.${entity}`;
    let specs = out.get(key);
    if (!specs) {
      specs = new Map();
      out.set(key, specs);
    }
    specs.set(type, {
      decimals: digits,
      units: asNumber(units.get(index)),
      signed: (asNumber(signedMin.get(index)) ?? 0) < 0,
      available: available.size === 0 || asNumber(available.get(index)) !== FALSE,
    });
  }
  return out;
}

export function decodeLayout(values: ReadonlyMap<string, SnmpValue>): PduLayout {
  const sysDescr = asText(values.get(SYS_DESCR));
  const objectId = values.get(SYS_OBJECT_ID);
  const labels = columnRows(values, OUTLET_CONFIG.label);
  if (objectId !== undefined && !String(objectId).startsWith('1.3.6.1.4.1.13742.')) {
    throw new LayoutError(`not a Raritan PDU (sysObjectID ${String(objectId)}, sysDescr "${sysDescr}")`);
  }
  if (labels.size === 0) {
    throw new LayoutError(`no PDU2-MIB outlet table (sysDescr "${sysDescr}"): not a Raritan PX2/PX3/PX4?`);
  }
  const names = columnRows(values, OUTLET_CONFIG.name);
  const models = columnRows(values, NAMEPLATE.model);
  const serials = columnRows(values, NAMEPLATE.serial);
  const pduNames = columnRows(values, UNIT_CONFIG.pduName);
  const outletCounts = columnRows(values, UNIT_CONFIG.outletCount);
  const switchStates = columnRows(values, OUTLET_SWITCH.state);
  const outletVolts = columnRows(values, OUTLET_RATING.voltage);
  const outletAmps = columnRows(values, OUTLET_RATING.current);
  const inletPoles = columnRows(values, INLET_CONFIG.poleCount);
  const inletVolts = columnRows(values, INLET_CONFIG.ratedVoltage);
  const inletAmps = columnRows(values, INLET_CONFIG.ratedCurrent);
  const switchable = columnRows(values, OUTLET_CONFIG.switchable);
  const outletSensors = sensorSpecs(values, OUTLET_SENSOR_CONFIG, OUTLET_MEASUREMENT.isAvailable);
  const inletSensors = sensorSpecs(values, INLET_SENSOR_CONFIG, INLET_MEASUREMENT.isAvailable);

  // Units: pduCount when the agent has it (LibreNMS walks do not), else the units the outlet table names.
  const unitIds = new Set<number>();
  for (const index of labels.keys()) unitIds.add(splitIndex(index)[0]!);
  const pduCount = asNumber(values.get(PDU_COUNT));
  if (pduCount !== undefined) for (let u = 1; u <= pduCount; u++) unitIds.add(u);

  const units: UnitLayout[] = [...unitIds]
    .sort((a, b) => a - b)
    .map((unit) => {
      const outletIds = [...labels.keys()]
        .map(splitIndex)
        .filter(([pdu]) => pdu === unit)
        .map(([, outlet]) => outlet!)
        .sort((a, b) => a - b);
      // outletCount, where present, bounds the table (a unit never has rows past it).
      const count = asNumber(outletCounts.get(String(unit)));
      const ids = count === undefined ? outletIds : outletIds.filter((o) => o <= count);
      const inlets = new Map<number, Map<number, SensorSpec>>();
      const inletRatedPower = new Map<number, number | null>();
      for (const [key, specs] of inletSensors) {
        const [pdu, inlet] = splitIndex(key);
        if (pdu !== unit) continue;
        inlets.set(inlet!, specs);
        inletRatedPower.set(
          inlet!,
          ratedPowerW({
            voltage: asText(inletVolts.get(key)),
            current: asText(inletAmps.get(key)),
            poles: asNumber(inletPoles.get(key)),
          }),
        );
      }
      return {
        unit,
        model: asText(models.get(String(unit))) || (unit === 1 ? modelFromSysDescr(sysDescr) : ''),
        serial: asText(serials.get(String(unit))),
        name: asText(pduNames.get(String(unit))),
        outlets: ids.map((outlet) => ({
          outlet,
          label: asText(labels.get(`${unit}.${outlet}`)) || String(outlet),
          name: asText(names.get(`${unit}.${outlet}`)),
          sensors: outletSensors.get(`${unit}.${outlet}`) ?? new Map(),
          ratedPower: ratedPowerW({
            voltage: asText(outletVolts.get(`${unit}.${outlet}`)),
            current: asText(outletAmps.get(`${unit}.${outlet}`)),
          }),
          hasSwitchState: switchStates.has(`${unit}.${outlet}`),
          switchable: switchable.get(`${unit}.${outlet}`) === TRUE,
        })),
        inlets,
        inletRatedPower,
      };
    })
    .filter((u) => u.outlets.length > 0);

  return { sysDescr, firmware: firmwareFromSysDescr(sysDescr), units };
}
