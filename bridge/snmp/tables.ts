import type { Channel } from '../facts/ranges.ts';
import { INLET_MEASUREMENT, INLET_SENSOR_CONFIG, OUTLET_MEASUREMENT, OUTLET_SENSOR_CONFIG } from './mib.ts';
import {
  INLET_POLE_MEASUREMENT,
  INLET_POLE_SENSOR_CONFIG,
  INLET_POLE_THRESHOLDS,
  INLET_THRESHOLDS,
  OCP_MEASUREMENT,
  OCP_SENSOR_CONFIG,
  OCP_THRESHOLDS,
  OUTLET_THRESHOLDS,
  type ThresholdColumns,
} from './mib-extras.ts';

/**
 * The four PDU2-MIB sensor tables that share one shape (outlet, inlet, inlet pole, overcurrent
 * protector): a configuration table (units, decimal digits, SignedMinimum, thresholds) and a
 * measurements table (IsAvailable, State, Value, SignedValue), both indexed by the entity's index and
 * then the sensor type. External sensors have a shape of their own (layout-extras.ts).
 */
export interface SensorTable {
  channel: Channel;
  config: { units: string; decimals: string; signedMinimum: string };
  measurement: { isAvailable: string; state: string; value: string; signedValue: string };
  thresholds: ThresholdColumns;
}

export const OUTLET_TABLE: SensorTable = {
  channel: 'outlet',
  config: OUTLET_SENSOR_CONFIG,
  measurement: OUTLET_MEASUREMENT,
  thresholds: OUTLET_THRESHOLDS,
};
export const INLET_TABLE: SensorTable = {
  channel: 'inlet',
  config: INLET_SENSOR_CONFIG,
  measurement: INLET_MEASUREMENT,
  thresholds: INLET_THRESHOLDS,
};
export const POLE_TABLE: SensorTable = {
  channel: 'pole',
  config: INLET_POLE_SENSOR_CONFIG,
  measurement: INLET_POLE_MEASUREMENT,
  thresholds: INLET_POLE_THRESHOLDS,
};
export const OCP_TABLE: SensorTable = {
  channel: 'breaker',
  config: OCP_SENSOR_CONFIG,
  measurement: OCP_MEASUREMENT,
  thresholds: OCP_THRESHOLDS,
};

export const SENSOR_TABLES: readonly SensorTable[] = [OUTLET_TABLE, INLET_TABLE, POLE_TABLE, OCP_TABLE];

/** The columns of a table the layout walks (the threshold values themselves are fetched by GET). */
export function layoutColumns(t: SensorTable): string[] {
  return [
    t.config.units,
    t.config.decimals,
    t.config.signedMinimum,
    t.thresholds.enabledThresholds,
    t.measurement.isAvailable,
  ];
}
