/**
 * Which PDU2-MIB instances a simulated PDU serves (OIDs from snmp/mib.ts), in
 * walk order. A layout depends only on the shape (units × outlets), so 200 simulated PDUs of the
 * same shape share one.
 */
import {
  INLET_CONFIG,
  INLET_MEASUREMENT,
  INLET_SENSOR_CONFIG,
  NAMEPLATE,
  OUTLET_CONFIG,
  OUTLET_MEASUREMENT,
  OUTLET_RATING,
  OUTLET_SENSOR_CONFIG,
  OUTLET_SENSOR_RESET,
  OUTLET_SWITCH,
  PDU_COUNT,
  SensorType,
  SYS_DESCR,
  SYS_OBJECT_ID,
  UNIT_CONFIG,
} from '../snmp/mib.ts';
import {
  type Add,
  addInletThresholds,
  addOutletExtras,
  addUnitExtras,
  type ExtraShape,
} from './instances-extras.ts';
import { createOidSpace, type OidSpace, sortOids } from './oidspace.ts';

export type Column =
  | 'sysDescr'
  | 'sysObjectID'
  | 'pduCount'
  | 'manufacturer'
  | 'model'
  | 'serial'
  | 'inletCount'
  | 'outletCount'
  | 'pduName'
  | 'macAddress'
  | 'outletLabel'
  | 'outletName'
  | 'outletRatedVoltage'
  | 'outletRatedCurrent'
  | 'inletPoleCount'
  | 'inletRatedVoltage'
  | 'inletRatedCurrent'
  | 'sensorUnits'
  | 'sensorDecimals'
  | 'sensorSignedMinimum'
  | 'isAvailable'
  | 'state'
  | 'value'
  | 'signedValue'
  | 'switchOperation'
  | 'switchState'
  | 'resetValue'
  // Switching: outletSwitchable, the power-cycle off-period objects, outletSwitchingTimeStamp.
  | 'outletSwitchable'
  | 'outletOffPeriod'
  | 'outletUseGlobalOffPeriod'
  | 'globalOffPeriod'
  | 'switchTimeStamp'
  // Thresholds of every sensor table (arg: which), outletPowerSource, and the hardware of instances-extras.ts.
  | 'threshold'
  | 'thresholdBits'
  | 'outletPowerSource'
  | 'ocpCount'
  | 'extCount'
  | 'poleLine'
  | 'ocpLabel'
  | 'ocpName'
  | 'ocpType'
  | 'ocpRated'
  | 'extType'
  | 'extSerial'
  | 'extName'
  | 'extChannel'
  | 'extUnits'
  | 'extDecimals'
  | 'extHysteresis';

export interface LayoutEntry {
  oid: string;
  column: Column;
  unit: number;
  /** Outlet number, or 0 for the inlet (served as inlet 1); the pole, protector or sensor id of `table`. */
  outlet: number;
  sensorType: number;
  /** Set for the tables of instances-extras.ts: inlet pole, overcurrent protector, external sensor. */
  table?: 'pole' | 'ocp' | 'ext';
  /** Which threshold of a 'threshold' entry (0 LowerCritical, 1 LowerWarning, 2 UpperCritical, 3 UpperWarning). */
  arg?: number;
}

export interface Layout {
  readonly space: OidSpace;
  readonly entries: readonly LayoutEntry[];
}

export const OUTLET_SENSORS: readonly number[] = [
  SensorType.rmsCurrent,
  SensorType.rmsVoltage,
  SensorType.activePower,
  SensorType.apparentPower,
  SensorType.powerFactor,
  SensorType.activeEnergy,
  SensorType.onOff,
];
export const INLET_SENSORS: readonly number[] = [
  SensorType.rmsCurrent,
  SensorType.rmsVoltage,
  SensorType.activePower,
  SensorType.apparentPower,
  SensorType.powerFactor,
  SensorType.activeEnergy,
  SensorType.frequency,
];
/**
 * A 3-phase inlet measures current and voltage per pole only; the inlet itself has the totals and
 * unbalancedCurrent.
 */
export const INLET_SENSORS_3PHASE: readonly number[] = [
  SensorType.unbalancedCurrent,
  SensorType.activePower,
  SensorType.apparentPower,
  SensorType.powerFactor,
  SensorType.activeEnergy,
  SensorType.frequency,
];

const cache = new Map<string, Layout>();

const NO_EXTRAS: ExtraShape = { phases: 1, breakers: 0, sensors: [] };

export function pduLayout(units: number, outlets: number, extras: ExtraShape = NO_EXTRAS): Layout {
  const key = `${units}x${outlets}|${extras.phases}|${extras.breakers}|${extras.sensors.map((s) => (s ?? []).join(',')).join(';')}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const entries: LayoutEntry[] = [];
  const add: Add = (oid, column, unit = 1, outlet = 0, sensorType = 0, more = {}) =>
    entries.push({ oid, column, unit, outlet, sensorType, ...more });
  const inletSensors = extras.phases === 3 ? INLET_SENSORS_3PHASE : INLET_SENSORS;

  add(SYS_DESCR, 'sysDescr');
  add(SYS_OBJECT_ID, 'sysObjectID');
  add(PDU_COUNT, 'pduCount');
  for (let u = 1; u <= units; u++) {
    add(`${NAMEPLATE.manufacturer}.${u}`, 'manufacturer', u);
    add(`${NAMEPLATE.model}.${u}`, 'model', u);
    add(`${NAMEPLATE.serial}.${u}`, 'serial', u);
    add(`${UNIT_CONFIG.inletCount}.${u}`, 'inletCount', u);
    add(`${UNIT_CONFIG.outletCount}.${u}`, 'outletCount', u);
    add(`${UNIT_CONFIG.pduName}.${u}`, 'pduName', u);
    add(`${UNIT_CONFIG.macAddress}.${u}`, 'macAddress', u);
    add(`${INLET_CONFIG.poleCount}.${u}.1`, 'inletPoleCount', u);
    add(`${INLET_CONFIG.ratedVoltage}.${u}.1`, 'inletRatedVoltage', u);
    add(`${INLET_CONFIG.ratedCurrent}.${u}.1`, 'inletRatedCurrent', u);
    add(`${UNIT_CONFIG.globalPowerOffPeriod}.${u}`, 'globalOffPeriod', u);
    addUnitExtras(add, u, extras);
    addInletThresholds(add, u, inletSensors);
    for (const t of inletSensors) {
      add(`${INLET_SENSOR_CONFIG.units}.${u}.1.${t}`, 'sensorUnits', u, 0, t);
      add(`${INLET_SENSOR_CONFIG.decimals}.${u}.1.${t}`, 'sensorDecimals', u, 0, t);
      add(`${INLET_SENSOR_CONFIG.signedMinimum}.${u}.1.${t}`, 'sensorSignedMinimum', u, 0, t);
      add(`${INLET_MEASUREMENT.isAvailable}.${u}.1.${t}`, 'isAvailable', u, 0, t);
      add(`${INLET_MEASUREMENT.state}.${u}.1.${t}`, 'state', u, 0, t);
      add(`${INLET_MEASUREMENT.value}.${u}.1.${t}`, 'value', u, 0, t);
      add(`${INLET_MEASUREMENT.signedValue}.${u}.1.${t}`, 'signedValue', u, 0, t);
    }
    for (let o = 1; o <= outlets; o++) {
      add(`${OUTLET_CONFIG.label}.${u}.${o}`, 'outletLabel', u, o);
      add(`${OUTLET_CONFIG.name}.${u}.${o}`, 'outletName', u, o);
      add(`${OUTLET_RATING.voltage}.${u}.${o}`, 'outletRatedVoltage', u, o);
      add(`${OUTLET_RATING.current}.${u}.${o}`, 'outletRatedCurrent', u, o);
      add(`${OUTLET_SWITCH.operation}.${u}.${o}`, 'switchOperation', u, o);
      add(`${OUTLET_SWITCH.state}.${u}.${o}`, 'switchState', u, o);
      add(`${OUTLET_SWITCH.timeStamp}.${u}.${o}`, 'switchTimeStamp', u, o);
      add(`${OUTLET_CONFIG.powerOffPeriod}.${u}.${o}`, 'outletOffPeriod', u, o);
      add(`${OUTLET_CONFIG.useGlobalPowerOffPeriod}.${u}.${o}`, 'outletUseGlobalOffPeriod', u, o);
      add(`${OUTLET_CONFIG.switchable}.${u}.${o}`, 'outletSwitchable', u, o);
      addOutletExtras(add, u, o, OUTLET_SENSORS);
      add(
        `${OUTLET_SENSOR_RESET}.${u}.${o}.${SensorType.activeEnergy}`,
        'resetValue',
        u,
        o,
        SensorType.activeEnergy,
      );
      for (const t of OUTLET_SENSORS) {
        add(`${OUTLET_SENSOR_CONFIG.units}.${u}.${o}.${t}`, 'sensorUnits', u, o, t);
        add(`${OUTLET_SENSOR_CONFIG.decimals}.${u}.${o}.${t}`, 'sensorDecimals', u, o, t);
        add(`${OUTLET_SENSOR_CONFIG.signedMinimum}.${u}.${o}.${t}`, 'sensorSignedMinimum', u, o, t);
        add(`${OUTLET_MEASUREMENT.isAvailable}.${u}.${o}.${t}`, 'isAvailable', u, o, t);
        add(`${OUTLET_MEASUREMENT.state}.${u}.${o}.${t}`, 'state', u, o, t);
        add(`${OUTLET_MEASUREMENT.value}.${u}.${o}.${t}`, 'value', u, o, t);
        add(`${OUTLET_MEASUREMENT.signedValue}.${u}.${o}.${t}`, 'signedValue', u, o, t);
      }
    }
  }
  sortOids(entries);
  const layout: Layout = { entries, space: createOidSpace(entries.map((e) => e.oid)) };
  cache.set(key, layout);
  return layout;
}
