/**
 * PDU2-MIB (../shared/reference/PDU2-MIB) beyond outlets and the inlet total: inlet poles (3-phase
 * lines), overcurrent protectors (breakers, fuses), external (peripheral) sensors, the threshold
 * columns every sensor configuration table shares, and the enumerations that name their states.
 * Every OID was resolved from the MIB's OBJECT-TYPE definitions and checked against the real PX3 walk.
 */

const RARITAN = '1.3.6.1.4.1.13742.6';

/** unitConfigurationTable counts, indexed by <pdu>. Often absent (the real PX3 walk has neither). */
export const UNIT_COUNTS = {
  overCurrentProtectorCount: `${RARITAN}.3.2.2.1.3`,
  /** managedExternalSensorCount; externalSensorCount (…1.7) is the maximum supported, not the connected. */
  managedExternalSensorCount: `${RARITAN}.3.2.2.1.42`,
} as const;

/** inletPoleConfigurationTable, indexed by <pdu>.<inlet>.<pole>: inletPoleLine (LineEnumeration). */
export const INLET_POLE_LINE = `${RARITAN}.3.3.5.1.1`;

/** inletPoleSensorConfigurationTable, indexed by <pdu>.<inlet>.<pole>.<sensorType>. */
export const INLET_POLE_SENSOR_CONFIG = {
  units: `${RARITAN}.3.3.6.1.6`,
  decimals: `${RARITAN}.3.3.6.1.7`,
  signedMinimum: `${RARITAN}.3.3.6.1.27`,
} as const;

/** measurementsInletPoleSensorTable, indexed by <pdu>.<inlet>.<pole>.<sensorType>. */
export const INLET_POLE_MEASUREMENT = {
  isAvailable: `${RARITAN}.5.2.4.1.2`,
  state: `${RARITAN}.5.2.4.1.3`,
  value: `${RARITAN}.5.2.4.1.4`,
  signedValue: `${RARITAN}.5.2.4.1.6`,
} as const;

/** overCurrentProtectorConfigurationTable, indexed by <pdu>.<ocp>. */
export const OCP_CONFIG = {
  label: `${RARITAN}.3.4.3.1.2`,
  name: `${RARITAN}.3.4.3.1.3`,
  /** OverCurrentProtectorTypeEnumeration. */
  type: `${RARITAN}.3.4.3.1.4`,
  /** DisplayString, e.g. "16A". */
  ratedCurrent: `${RARITAN}.3.4.3.1.5`,
} as const;

/** overCurrentProtectorSensorConfigurationTable, indexed by <pdu>.<ocp>.<sensorType>. */
export const OCP_SENSOR_CONFIG = {
  units: `${RARITAN}.3.4.4.1.6`,
  decimals: `${RARITAN}.3.4.4.1.7`,
  signedMinimum: `${RARITAN}.3.4.4.1.27`,
} as const;

/** measurementsOverCurrentProtectorSensorTable, indexed by <pdu>.<ocp>.<sensorType>. */
export const OCP_MEASUREMENT = {
  isAvailable: `${RARITAN}.5.3.3.1.2`,
  state: `${RARITAN}.5.3.3.1.3`,
  value: `${RARITAN}.5.3.3.1.4`,
  signedValue: `${RARITAN}.5.3.3.1.6`,
} as const;

/**
 * outletPowerSource.<pdu>.<outlet>: a RowPointer to the overCurrentProtectorLabel (…3.4.3.1.2.<pdu>.<ocp>)
 * of the protector that feeds the outlet, or to an inletLabel (…3.3.3.1.2) when none does.
 */
export const OUTLET_POWER_SOURCE = `${RARITAN}.3.5.3.1.33`;

/** externalSensorConfigurationTable, indexed by <pdu>.<sensorID>. */
export const EXTERNAL_CONFIG = {
  type: `${RARITAN}.3.6.3.1.2`,
  serial: `${RARITAN}.3.6.3.1.3`,
  name: `${RARITAN}.3.6.3.1.4`,
  /** externalSensorChannelNumber: the channel of a contact sensor, -1 for others. */
  channel: `${RARITAN}.3.6.3.1.9`,
  units: `${RARITAN}.3.6.3.1.16`,
  decimals: `${RARITAN}.3.6.3.1.17`,
  /** externalSensorHysteresis (Unsigned32, scaled by the decimals). */
  hysteresis: `${RARITAN}.3.6.3.1.23`,
  /** The thresholds are Integer32 here (temperatures go below zero): no signed twins. */
  lowerCritical: `${RARITAN}.3.6.3.1.31`,
  lowerWarning: `${RARITAN}.3.6.3.1.32`,
  upperCritical: `${RARITAN}.3.6.3.1.33`,
  upperWarning: `${RARITAN}.3.6.3.1.34`,
  enabledThresholds: `${RARITAN}.3.6.3.1.35`,
} as const;

/** measurementsExternalSensorTable, indexed by <pdu>.<sensorID>. The value column is Integer32 (signed). */
export const EXTERNAL_MEASUREMENT = {
  isAvailable: `${RARITAN}.5.5.3.1.2`,
  state: `${RARITAN}.5.5.3.1.3`,
  value: `${RARITAN}.5.5.3.1.4`,
} as const;

/** Where the threshold columns sit in a sensor configuration table (the same numbers in all of them). */
export interface ThresholdColumns {
  lowerCritical: string;
  lowerWarning: string;
  upperCritical: string;
  upperWarning: string;
  enabledThresholds: string;
  signedLowerCritical: string;
  signedLowerWarning: string;
  signedUpperCritical: string;
  signedUpperWarning: string;
}

/** …SensorLowerCritical 21, LowerWarning 22, UpperCritical 23, UpperWarning 24, Enabled 25, signed 28–31. */
function thresholdColumns(table: string): ThresholdColumns {
  return {
    lowerCritical: `${table}.21`,
    lowerWarning: `${table}.22`,
    upperCritical: `${table}.23`,
    upperWarning: `${table}.24`,
    enabledThresholds: `${table}.25`,
    signedLowerCritical: `${table}.28`,
    signedLowerWarning: `${table}.29`,
    signedUpperCritical: `${table}.30`,
    signedUpperWarning: `${table}.31`,
  };
}

export const OUTLET_THRESHOLDS = thresholdColumns(`${RARITAN}.3.5.4.1`);
export const INLET_THRESHOLDS = thresholdColumns(`${RARITAN}.3.3.4.1`);
export const INLET_POLE_THRESHOLDS = thresholdColumns(`${RARITAN}.3.3.6.1`);
export const OCP_THRESHOLDS = thresholdColumns(`${RARITAN}.3.4.4.1`);

/** The BITS of …EnabledThresholds, in PDU2-MIB's order (bit 0 is the most significant bit of octet 0). */
export const THRESHOLD_BITS = ['lower_critical', 'lower_warning', 'upper_warning', 'upper_critical'] as const;
export type ThresholdName = (typeof THRESHOLD_BITS)[number];

/** LineEnumeration (inletPoleLine): the DC lines 5 and 6 are not read. */
export const LINE_NAMES: Readonly<Record<number, 'L1' | 'L2' | 'L3' | 'N'>> = {
  1: 'L1',
  2: 'L2',
  3: 'L3',
  4: 'N',
};

/** SensorTypeEnumeration values beyond the outlet and inlet ones (mib.ts). */
export const ExtraSensorType = {
  temperature: 10,
  humidity: 11,
  airFlow: 12,
  airPressure: 13,
  trip: 15,
  vibration: 16,
  waterDetection: 17,
  smokeDetection: 18,
  binary: 19,
  contact: 20,
  fanSpeed: 21,
  rmsVoltageLN: 25,
  absoluteHumidity: 28,
  illuminance: 42,
  doorContact: 43,
  tamperDetection: 44,
  motionDetection: 45,
  doorLockState: 49,
  doorHandleLock: 50,
  dewPoint: 63,
} as const;

/**
 * SensorStateEnumeration in full, as the names raritan2mqtt publishes (snake_case of the MIB's).
 * for a trip sensor open(0) means tripped and closed(1) normal.
 */
export const STATE_NAMES: Readonly<Record<number, string>> = {
  [-1]: 'unavailable',
  0: 'open',
  1: 'closed',
  2: 'below_lower_critical',
  3: 'below_lower_warning',
  4: 'normal',
  5: 'above_upper_warning',
  6: 'above_upper_critical',
  7: 'on',
  8: 'off',
  9: 'detected',
  10: 'not_detected',
  11: 'alarmed',
  12: 'ok',
  14: 'fail',
  15: 'yes',
  16: 'no',
  17: 'standby',
  18: 'one',
  19: 'two',
  20: 'in_sync',
  21: 'out_of_sync',
  22: 'i1_open_fault',
  23: 'i1_short_fault',
  24: 'i2_open_fault',
  25: 'i2_short_fault',
  26: 'fault',
  27: 'warning',
  28: 'critical',
  29: 'self_test',
  30: 'non_redundant',
  31: 'inactive',
  32: 'i1_selected',
  33: 'i2_selected',
  34: 'i1_selected_and_active',
  35: 'i2_selected_and_active',
  36: 'bypass_active',
};

/** OverCurrentProtectorTypeEnumeration. */
export const OCP_TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'breaker_1_pole',
  2: 'breaker_2_pole',
  3: 'breaker_3_pole',
  4: 'fuse',
  5: 'fuse_pair',
  6: 'rcbo_2_pole',
  7: 'rcbo_3_pole',
  8: 'rcbo_4_pole',
};

/** SensorUnitsEnumeration → the unit text published (Home Assistant's spelling where it has one). */
export const UNIT_TEXT: Readonly<Record<number, string>> = {
  1: 'V',
  2: 'A',
  3: 'W',
  4: 'VA',
  5: 'Wh',
  6: 'VAh',
  7: '°C',
  8: 'Hz',
  9: '%',
  10: 'm/s',
  11: 'Pa',
  12: 'psi',
  13: 'g',
  14: '°F',
  15: 'ft',
  16: 'in',
  17: 'cm',
  18: 'm',
  19: 'rpm',
  20: '°',
  21: 'lx',
  22: 'g/m³',
  23: 'var',
  24: 'ft/s',
  26: 'µg/m³',
  31: 'K',
};

/**
 * External sensor types by the name raritan2mqtt publishes, and whether they are discrete: PDU2-MIB's
 * "Possible Sensor States for each Sensor Type" gives a discrete type no threshold states (water:
 * normal/alarmed, door: open/closed), so its state is its reading and its value means nothing.
 */
export const EXTERNAL_TYPES: Readonly<Record<number, { name: string; discrete: boolean }>> = {
  10: { name: 'temperature', discrete: false },
  11: { name: 'humidity', discrete: false },
  12: { name: 'air_flow', discrete: false },
  13: { name: 'air_pressure', discrete: false },
  14: { name: 'on_off', discrete: true },
  15: { name: 'trip', discrete: true },
  16: { name: 'vibration', discrete: false },
  17: { name: 'water', discrete: true },
  18: { name: 'smoke', discrete: true },
  19: { name: 'binary', discrete: true },
  20: { name: 'contact', discrete: true },
  21: { name: 'fan_speed', discrete: false },
  28: { name: 'absolute_humidity', discrete: false },
  42: { name: 'illuminance', discrete: false },
  43: { name: 'door', discrete: true },
  44: { name: 'tamper', discrete: true },
  45: { name: 'motion', discrete: true },
  49: { name: 'door_lock', discrete: true },
  50: { name: 'door_handle', discrete: true },
  63: { name: 'dew_point', discrete: false },
};

/** An external sensor type the table above does not name: `type_<n>`, numeric unless it says no unit. */
export function externalType(type: number, units: number | undefined): { name: string; discrete: boolean } {
  return EXTERNAL_TYPES[type] ?? { name: `type_${type}`, discrete: units === undefined || units === -1 };
}
