import { parseRating, ratedPowerW } from '../facts/rating.ts';
import {
  type BreakerLayout,
  breakerLayouts,
  EXTRA_LAYOUT_COLUMNS,
  type ExternalSensorLayout,
  externalLayouts,
  type PoleLayout,
  poleLayouts,
  powerSources,
} from './layout-extras.ts';
import { asNumber, asText, columnRows, type SensorSpec, sensorSpecs } from './layout-sensors.ts';
import {
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
import { EXTERNAL_CONFIG, INLET_THRESHOLDS, OUTLET_THRESHOLDS } from './mib-extras.ts';
import type { SnmpValue } from './session.ts';
import { INLET_TABLE, layoutColumns, OCP_TABLE, OUTLET_TABLE, POLE_TABLE } from './tables.ts';

export type { BreakerLayout, ExternalSensorLayout, LineId, PoleLayout } from './layout-extras.ts';

/**
 * The slow-changing shape of a PDU, read at start, after a rename and every few minutes: units, identity,
 * outlet labels and names, inlet poles, overcurrent protectors, external sensors, and per sensor its
 * decimal digits, units, signedness, availability and enabled thresholds. Steady-state polls then GET
 * only the value and state OIDs this layout says exist. A unit is a unit by sysObjectID and its unit
 * tables, not by its outlets: an inlet-metered PDU has no outlet table at all.
 */

export type { SensorSpec } from './layout-sensors.ts';
export { columnRows };

export interface OutletLayout {
  outlet: number;
  label: string;
  name: string;
  sensors: Map<number, SensorSpec>;
  /** The overCurrentProtectorIndex that feeds it (outletPowerSource), or null (an inlet, or not said). */
  breaker: number | null;
  /** outletSwitchControlTable answers for this outlet: its outletSwitchingState can be read. */
  hasSwitchState: boolean;
  /**
   * outletSwitchable is true(1). False when the PDU says false or does not say: only what the PDU
   * reports as switchable ever gets a switch (docs/commands.md).
   */
  switchable: boolean;
  /** Nameplate power from outletRatedVoltage × outletRatedCurrent, W, or null when the PDU does not say. */
  ratedPower: number | null;
  /** outletRatedCurrent ("10A") in A, or null: the scale of the panel's load bar. */
  ratedCurrent: number | null;
}

export interface UnitLayout {
  unit: number;
  model: string;
  serial: string;
  name: string;
  /** pxMACAddress, `aa:bb:cc:dd:ee:ff`; '' when the PDU does not serve it. */
  mac: string;
  /** Empty on an inlet-metered unit. */
  outlets: OutletLayout[];
  /** inlet id → sensors. */
  inlets: Map<number, Map<number, SensorSpec>>;
  /** inlet id → nameplate power (inletRatedVoltage × inletRatedCurrent, × phases), W, or null. */
  inletRatedPower: Map<number, number | null>;
  /** inlet id → inletRatedCurrent ("32A", per line on a multi-pole inlet) in A, or null. */
  inletRatedCurrent: Map<number, number | null>;
  /** The first inlet's poles (L1, L2, L3, N), empty where the agent has no pole table. */
  poles: PoleLayout[];
  breakers: BreakerLayout[];
  sensors: ExternalSensorLayout[];
}

export interface PduLayout {
  sysDescr: string;
  firmware: string;
  units: UnitLayout[];
  /** The enabled thresholds' value OIDs, GET after the walk (layoutThresholds in reader.ts). */
  thresholdOids: string[];
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
  UNIT_CONFIG.macAddress,
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
  OUTLET_THRESHOLDS.enabledThresholds,
  INLET_THRESHOLDS.enabledThresholds,
  ...layoutColumns(POLE_TABLE),
  ...layoutColumns(OCP_TABLE),
  ...EXTRA_LAYOUT_COLUMNS,
] as const;

export class LayoutError extends Error {}

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

const RARITAN_ENTERPRISE = '1.3.6.1.4.1.13742.';

export function decodeLayout(values: ReadonlyMap<string, SnmpValue>): PduLayout {
  const sysDescr = asText(values.get(SYS_DESCR));
  const objectId = values.get(SYS_OBJECT_ID);
  if (objectId !== undefined && !String(objectId).startsWith(RARITAN_ENTERPRISE)) {
    throw new LayoutError(`not a Raritan PDU (sysObjectID ${String(objectId)}, sysDescr "${sysDescr}")`);
  }
  const labels = columnRows(values, OUTLET_CONFIG.label);
  const names = columnRows(values, OUTLET_CONFIG.name);
  const models = columnRows(values, NAMEPLATE.model);
  const serials = columnRows(values, NAMEPLATE.serial);
  const pduNames = columnRows(values, UNIT_CONFIG.pduName);
  const macs = columnRows(values, UNIT_CONFIG.macAddress);
  const outletCounts = columnRows(values, UNIT_CONFIG.outletCount);
  const switchStates = columnRows(values, OUTLET_SWITCH.state);
  const outletVolts = columnRows(values, OUTLET_RATING.voltage);
  const outletAmps = columnRows(values, OUTLET_RATING.current);
  const inletPoles = columnRows(values, INLET_CONFIG.poleCount);
  const inletVolts = columnRows(values, INLET_CONFIG.ratedVoltage);
  const inletAmps = columnRows(values, INLET_CONFIG.ratedCurrent);
  const switchable = columnRows(values, OUTLET_CONFIG.switchable);
  const thresholdOids: string[] = [];
  const outletSensors = sensorSpecs(values, OUTLET_TABLE, thresholdOids);
  const inletSensors = sensorSpecs(values, INLET_TABLE, thresholdOids);
  const poleSensors = sensorSpecs(values, POLE_TABLE, thresholdOids);
  const ocpSensors = sensorSpecs(values, OCP_TABLE, thresholdOids);
  const externalTypes = columnRows(values, EXTERNAL_CONFIG.type);

  // A unit is any pduId the PDU2-MIB unit tables name: pduCount where the agent has it (LibreNMS walks do
  // not), the nameplate and unit configuration rows, and the rows of the outlet, inlet, protector and
  // external sensor tables. Outlets are not required: inlet-metered PDUs have none.
  const unitIds = new Set<number>();
  const first = (index: string) => Number(index.split('.')[0]);
  for (const rows of [models, serials, pduNames, outletCounts, labels, externalTypes])
    for (const index of rows.keys()) unitIds.add(first(index));
  for (const specs of [inletSensors, ocpSensors]) for (const key of specs.keys()) unitIds.add(first(key));
  const pduCount = asNumber(values.get(PDU_COUNT));
  if (pduCount !== undefined) for (let u = 1; u <= pduCount; u++) unitIds.add(u);

  const units: UnitLayout[] = [...unitIds]
    .filter((u) => Number.isInteger(u) && u > 0)
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
      const inletRatedCurrent = new Map<number, number | null>();
      for (const [key, specs] of inletSensors) {
        const [pdu, inlet] = splitIndex(key);
        if (pdu !== unit) continue;
        inlets.set(inlet!, specs);
        inletRatedCurrent.set(inlet!, parseRating(asText(inletAmps.get(key))));
        inletRatedPower.set(
          inlet!,
          ratedPowerW({
            voltage: asText(inletVolts.get(key)),
            current: asText(inletAmps.get(key)),
            poles: asNumber(inletPoles.get(key)),
          }),
        );
      }
      const sources = powerSources(values, unit);
      const outlets = ids.map(
        (outlet): OutletLayout => ({
          outlet,
          label: asText(labels.get(`${unit}.${outlet}`)) || String(outlet),
          name: asText(names.get(`${unit}.${outlet}`)),
          sensors: outletSensors.get(`${unit}.${outlet}`) ?? new Map(),
          breaker: sources.get(outlet) ?? null,
          ratedPower: ratedPowerW({
            voltage: asText(outletVolts.get(`${unit}.${outlet}`)),
            current: asText(outletAmps.get(`${unit}.${outlet}`)),
          }),
          ratedCurrent: parseRating(asText(outletAmps.get(`${unit}.${outlet}`))),
          hasSwitchState: switchStates.has(`${unit}.${outlet}`),
          switchable: switchable.get(`${unit}.${outlet}`) === TRUE,
        }),
      );
      // The wiring of the outlets the unit has (outletCount bounds them), for each protector's outlet list.
      const fed = new Map<number, number>();
      for (const o of outlets) if (o.breaker !== null) fed.set(o.outlet, o.breaker);
      return {
        unit,
        model: asText(models.get(String(unit))) || (unit === 1 ? modelFromSysDescr(sysDescr) : ''),
        serial: asText(serials.get(String(unit))),
        name: asText(pduNames.get(String(unit))),
        mac: /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(asText(macs.get(String(unit))))
          ? asText(macs.get(String(unit)))
          : '',
        outlets,
        inlets,
        inletRatedPower,
        inletRatedCurrent,
        poles: poleLayouts(values, unit, poleSensors),
        breakers: breakerLayouts(values, unit, ocpSensors, fed),
        sensors: externalLayouts(values, unit, thresholdOids),
      };
    })
    // pduCount may name a linked unit that answers with nothing yet: a unit with no table row is none.
    .filter(
      (u) =>
        u.outlets.length > 0 ||
        u.inlets.size > 0 ||
        u.breakers.length > 0 ||
        u.sensors.length > 0 ||
        u.serial !== '' ||
        u.model !== '',
    );

  if (units.length === 0) {
    const what = objectId === undefined ? '' : `sysObjectID ${String(objectId)}, `;
    throw new LayoutError(
      `no PDU2-MIB unit tables (${what}sysDescr "${sysDescr}"): not a Raritan PX2/PX3/PX4?`,
    );
  }
  return { sysDescr, firmware: firmwareFromSysDescr(sysDescr), units, thresholdOids };
}
