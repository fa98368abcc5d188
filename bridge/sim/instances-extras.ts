/**
 * The PDU2-MIB instances of a simulated PDU beyond outlets and the inlet total (OIDs from
 * snmp/mib-extras.ts): outletPowerSource, the threshold columns of every sensor table, the 3-phase
 * inlet's poles, the overcurrent protectors and the external sensors.
 */
import { SensorType } from '../snmp/mib.ts';
import {
  EXTERNAL_CONFIG,
  EXTERNAL_MEASUREMENT,
  ExtraSensorType,
  INLET_POLE_LINE,
  INLET_POLE_MEASUREMENT,
  INLET_POLE_SENSOR_CONFIG,
  INLET_POLE_THRESHOLDS,
  INLET_THRESHOLDS,
  OCP_CONFIG,
  OCP_MEASUREMENT,
  OCP_SENSOR_CONFIG,
  OCP_THRESHOLDS,
  OUTLET_POWER_SOURCE,
  OUTLET_THRESHOLDS,
  type ThresholdColumns,
  UNIT_COUNTS,
} from '../snmp/mib-extras.ts';
import type { Column, LayoutEntry } from './instances.ts';

export interface ExtraShape {
  phases: 1 | 3;
  breakers: number;
  /** Per unit (index = unit), the sensorIDs of the external sensors plugged in. */
  sensors: readonly (readonly number[])[];
}

export type Add = (
  oid: string,
  column: Column,
  unit?: number,
  outlet?: number,
  sensorType?: number,
  more?: Partial<LayoutEntry>,
) => void;

/** Pole sensors of a 3-phase line; the neutral pole (4) measures its current only. */
export const LINE_SENSORS: readonly number[] = [
  SensorType.rmsCurrent,
  SensorType.rmsVoltage,
  ExtraSensorType.rmsVoltageLN,
  SensorType.activePower,
  SensorType.apparentPower,
  SensorType.powerFactor,
  SensorType.activeEnergy,
];
export const NEUTRAL_SENSORS: readonly number[] = [SensorType.rmsCurrent];
export const OCP_SENSORS: readonly number[] = [
  SensorType.rmsCurrent,
  SensorType.peakCurrent,
  ExtraSensorType.trip,
];

/** The threshold columns (21–25) of one sensor: arg 0..3 = LowerCritical, LowerWarning, UpperCritical, UpperWarning. */
export function addThresholds(
  add: Add,
  cols: ThresholdColumns,
  index: string,
  unit: number,
  entity: number,
  type: number,
  table?: LayoutEntry['table'],
): void {
  const columns = [cols.lowerCritical, cols.lowerWarning, cols.upperCritical, cols.upperWarning];
  for (const [arg, col] of columns.entries())
    add(`${col}.${index}`, 'threshold', unit, entity, type, { arg, table });
  add(`${cols.enabledThresholds}.${index}`, 'thresholdBits', unit, entity, type, { table });
}

export function addOutletExtras(add: Add, unit: number, outlet: number, types: readonly number[]): void {
  add(`${OUTLET_POWER_SOURCE}.${unit}.${outlet}`, 'outletPowerSource', unit, outlet);
  for (const t of types) addThresholds(add, OUTLET_THRESHOLDS, `${unit}.${outlet}.${t}`, unit, outlet, t);
}

export function addInletThresholds(add: Add, unit: number, types: readonly number[]): void {
  for (const t of types) addThresholds(add, INLET_THRESHOLDS, `${unit}.1.${t}`, unit, 0, t);
}

export function addUnitExtras(add: Add, unit: number, shape: ExtraShape): void {
  add(`${UNIT_COUNTS.overCurrentProtectorCount}.${unit}`, 'ocpCount', unit);
  add(`${UNIT_COUNTS.managedExternalSensorCount}.${unit}`, 'extCount', unit);
  if (shape.phases === 3) {
    for (let pole = 1; pole <= 4; pole++) {
      add(`${INLET_POLE_LINE}.${unit}.1.${pole}`, 'poleLine', unit, pole, 0, { table: 'pole' });
      for (const t of pole === 4 ? NEUTRAL_SENSORS : LINE_SENSORS) {
        const i = `${unit}.1.${pole}.${t}`;
        const m = { table: 'pole' as const };
        add(`${INLET_POLE_SENSOR_CONFIG.units}.${i}`, 'sensorUnits', unit, pole, t, m);
        add(`${INLET_POLE_SENSOR_CONFIG.decimals}.${i}`, 'sensorDecimals', unit, pole, t, m);
        add(`${INLET_POLE_SENSOR_CONFIG.signedMinimum}.${i}`, 'sensorSignedMinimum', unit, pole, t, m);
        addThresholds(add, INLET_POLE_THRESHOLDS, i, unit, pole, t, 'pole');
        add(`${INLET_POLE_MEASUREMENT.isAvailable}.${i}`, 'isAvailable', unit, pole, t, m);
        add(`${INLET_POLE_MEASUREMENT.state}.${i}`, 'state', unit, pole, t, m);
        add(`${INLET_POLE_MEASUREMENT.value}.${i}`, 'value', unit, pole, t, m);
        add(`${INLET_POLE_MEASUREMENT.signedValue}.${i}`, 'signedValue', unit, pole, t, m);
      }
    }
  }
  for (let b = 1; b <= shape.breakers; b++) {
    const m = { table: 'ocp' as const };
    add(`${OCP_CONFIG.label}.${unit}.${b}`, 'ocpLabel', unit, b, 0, m);
    add(`${OCP_CONFIG.name}.${unit}.${b}`, 'ocpName', unit, b, 0, m);
    add(`${OCP_CONFIG.type}.${unit}.${b}`, 'ocpType', unit, b, 0, m);
    add(`${OCP_CONFIG.ratedCurrent}.${unit}.${b}`, 'ocpRated', unit, b, 0, m);
    for (const t of OCP_SENSORS) {
      const i = `${unit}.${b}.${t}`;
      add(`${OCP_SENSOR_CONFIG.units}.${i}`, 'sensorUnits', unit, b, t, m);
      add(`${OCP_SENSOR_CONFIG.decimals}.${i}`, 'sensorDecimals', unit, b, t, m);
      add(`${OCP_SENSOR_CONFIG.signedMinimum}.${i}`, 'sensorSignedMinimum', unit, b, t, m);
      addThresholds(add, OCP_THRESHOLDS, i, unit, b, t, 'ocp');
      add(`${OCP_MEASUREMENT.isAvailable}.${i}`, 'isAvailable', unit, b, t, m);
      add(`${OCP_MEASUREMENT.state}.${i}`, 'state', unit, b, t, m);
      add(`${OCP_MEASUREMENT.value}.${i}`, 'value', unit, b, t, m);
      add(`${OCP_MEASUREMENT.signedValue}.${i}`, 'signedValue', unit, b, t, m);
    }
  }
  for (const id of shape.sensors[unit] ?? []) {
    const i = `${unit}.${id}`;
    const m = { table: 'ext' as const };
    add(`${EXTERNAL_CONFIG.type}.${i}`, 'extType', unit, id, 0, m);
    add(`${EXTERNAL_CONFIG.serial}.${i}`, 'extSerial', unit, id, 0, m);
    add(`${EXTERNAL_CONFIG.name}.${i}`, 'extName', unit, id, 0, m);
    add(`${EXTERNAL_CONFIG.channel}.${i}`, 'extChannel', unit, id, 0, m);
    add(`${EXTERNAL_CONFIG.units}.${i}`, 'extUnits', unit, id, 0, m);
    add(`${EXTERNAL_CONFIG.decimals}.${i}`, 'extDecimals', unit, id, 0, m);
    add(`${EXTERNAL_CONFIG.hysteresis}.${i}`, 'extHysteresis', unit, id, 0, m);
    // Integer32 thresholds, in the column order 31 LowerCritical, 32 LowerWarning, 33 UpperCritical, 34 UpperWarning.
    const columns = [
      EXTERNAL_CONFIG.lowerCritical,
      EXTERNAL_CONFIG.lowerWarning,
      EXTERNAL_CONFIG.upperCritical,
      EXTERNAL_CONFIG.upperWarning,
    ];
    for (const [arg, col] of columns.entries())
      add(`${col}.${i}`, 'threshold', unit, id, 0, { arg, table: 'ext' });
    add(`${EXTERNAL_CONFIG.enabledThresholds}.${i}`, 'thresholdBits', unit, id, 0, m);
    add(`${EXTERNAL_MEASUREMENT.isAvailable}.${i}`, 'isAvailable', unit, id, 0, m);
    add(`${EXTERNAL_MEASUREMENT.state}.${i}`, 'state', unit, id, 0, m);
    add(`${EXTERNAL_MEASUREMENT.value}.${i}`, 'value', unit, id, 0, m);
  }
}
