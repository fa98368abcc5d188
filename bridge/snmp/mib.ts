/**
 * The slice of Raritan's PDU2-MIB (../shared/reference/PDU2-MIB) that raritan2mqtt reads and writes.
 * Every OID here was checked against the MIB and the real walks; the `…6.3.2.4.1.2…` OIDs of the widely
 * copied original README are logConfigurationTable/measurementPeriod and appear nowhere in this project.
 */

const RARITAN = '1.3.6.1.4.1.13742.6';

export const SYS_DESCR = '1.3.6.1.2.1.1.1.0';
export const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';
/** sysObjectID of PX2/PX3/PX4 (PDU2-MIB's raritan.6). */
export const RARITAN_PDU2_OBJECT_ID = RARITAN;

/** pduCount.0: linked (daisy-chained) units behind this agent. Absent in LibreNMS walks. */
export const PDU_COUNT = `${RARITAN}.3.1.0`;

/** Columns indexed by <pdu>. */
export const NAMEPLATE = {
  manufacturer: `${RARITAN}.3.2.1.1.2`,
  model: `${RARITAN}.3.2.1.1.3`,
  serial: `${RARITAN}.3.2.1.1.4`,
} as const;

/** unitConfigurationTable, indexed by <pdu>. */
export const UNIT_CONFIG = {
  inletCount: `${RARITAN}.3.2.2.1.2`,
  outletCount: `${RARITAN}.3.2.2.1.4`,
  pduName: `${RARITAN}.3.2.2.1.13`,
  /** pxMACAddress: MacAddress, six raw bytes (deprecated in PDU2-MIB, still served by PX2/PX3). */
  macAddress: `${RARITAN}.3.2.2.1.11`,
  /** globalOutletPowerCyclingPowerOffPeriod: Unsigned32 seconds 1..3600, read-write. */
  globalPowerOffPeriod: `${RARITAN}.3.2.2.1.37`,
} as const;

/** outletConfigurationTable, indexed by <pdu>.<outlet>. */
export const OUTLET_CONFIG = {
  label: `${RARITAN}.3.5.3.1.2`,
  /** outletName: read-write DisplayString, '' when unset. */
  name: `${RARITAN}.3.5.3.1.3`,
  /** outletPowerCyclingPowerOffPeriod: Unsigned32 seconds 1..3600, read-write. */
  powerOffPeriod: `${RARITAN}.3.5.3.1.12`,
  /** outletUseGlobalPowerCyclingPowerOffPeriod: TruthValue, read-write. */
  useGlobalPowerOffPeriod: `${RARITAN}.3.5.3.1.14`,
  /** outletSwitchable: TruthValue, read-only. */
  switchable: `${RARITAN}.3.5.3.1.28`,
} as const;

/** outletConfigurationTable's nameplate, indexed by <pdu>.<outlet>: DisplayStrings ("10A", "200-240V"). */
export const OUTLET_RATING = {
  voltage: `${RARITAN}.3.5.3.1.6`,
  current: `${RARITAN}.3.5.3.1.7`,
} as const;

/** inletConfigurationTable, indexed by <pdu>.<inlet>: poles (3-phase: 3 or 4) and the nameplate strings. */
export const INLET_CONFIG = {
  poleCount: `${RARITAN}.3.3.3.1.5`,
  ratedVoltage: `${RARITAN}.3.3.3.1.6`,
  ratedCurrent: `${RARITAN}.3.3.3.1.7`,
} as const;

/** Sensor configuration tables, indexed by <pdu>.<outlet|inlet>.<sensorType>. */
export const OUTLET_SENSOR_CONFIG = {
  units: `${RARITAN}.3.5.4.1.6`,
  decimals: `${RARITAN}.3.5.4.1.7`,
  /** outletSensorSignedMinimum: below zero means "use the signed value column". */
  signedMinimum: `${RARITAN}.3.5.4.1.27`,
} as const;

export const INLET_SENSOR_CONFIG = {
  units: `${RARITAN}.3.3.4.1.6`,
  decimals: `${RARITAN}.3.3.4.1.7`,
  signedMinimum: `${RARITAN}.3.3.4.1.27`,
} as const;

/** measurementsOutletSensorTable, indexed by <pdu>.<outlet>.<sensorType>. */
export const OUTLET_MEASUREMENT = {
  isAvailable: `${RARITAN}.5.4.3.1.2`,
  state: `${RARITAN}.5.4.3.1.3`,
  value: `${RARITAN}.5.4.3.1.4`,
  signedValue: `${RARITAN}.5.4.3.1.6`,
} as const;

/** measurementsInletSensorTable, indexed by <pdu>.<inlet>.<sensorType>. */
export const INLET_MEASUREMENT = {
  isAvailable: `${RARITAN}.5.2.3.1.2`,
  state: `${RARITAN}.5.2.3.1.3`,
  value: `${RARITAN}.5.2.3.1.4`,
  signedValue: `${RARITAN}.5.2.3.1.6`,
} as const;

/** outletSwitchControlTable, indexed by <pdu>.<outlet>. */
export const OUTLET_SWITCH = {
  /** switchingOperation, read-write: off 0, on 1, cycle 2. */
  operation: `${RARITAN}.4.1.2.1.2`,
  /** outletSwitchingState: on 7, off 8. */
  state: `${RARITAN}.4.1.2.1.3`,
  /** outletSwitchingTimeStamp: Unsigned32, "when the outlet was last switched". */
  timeStamp: `${RARITAN}.4.1.2.1.4`,
} as const;

/** outletSensorResetValue.<pdu>.<outlet>.<type>: write 0 to reset (activeEnergy only). */
export const OUTLET_SENSOR_RESET = `${RARITAN}.4.7.1.1.1`;

/** SensorTypeEnumeration (the last index of every sensor table). */
export const SensorType = {
  rmsCurrent: 1,
  peakCurrent: 2,
  unbalancedCurrent: 3,
  rmsVoltage: 4,
  activePower: 5,
  apparentPower: 6,
  powerFactor: 7,
  activeEnergy: 8,
  apparentEnergy: 9,
  onOff: 14,
  frequency: 23,
  phaseAngle: 24,
  reactivePower: 29,
  displacementPowerFactor: 35,
  crestFactor: 51,
} as const;
export type SensorTypeId = (typeof SensorType)[keyof typeof SensorType];

/** SensorStateEnumeration. */
export const SensorState = {
  unavailable: -1,
  /** open/closed: doors, locks, and a protector's trip sensor (open = tripped). */
  open: 0,
  closed: 1,
  belowLowerCritical: 2,
  belowLowerWarning: 3,
  normal: 4,
  aboveUpperWarning: 5,
  aboveUpperCritical: 6,
  on: 7,
  off: 8,
  alarmed: 11,
  ok: 12,
  fail: 14,
} as const;

/** SensorUnitsEnumeration values this project interprets. */
export const SensorUnits = {
  none: -1,
  volt: 1,
  amp: 2,
  watt: 3,
  voltamp: 4,
  wattHour: 5,
  hertz: 8,
  percent: 9,
} as const;

/** switchingOperation values. */
export const SwitchOperation = { off: 0, on: 1, cycle: 2 } as const;

/** TruthValue. */
export const TRUE = 1;
export const FALSE = 2;

/** Metric of the reading model ← sensor type. */
export const METRIC_SENSORS = {
  current: SensorType.rmsCurrent,
  voltage: SensorType.rmsVoltage,
  power: SensorType.activePower,
  apparent_power: SensorType.apparentPower,
  power_factor: SensorType.powerFactor,
  energy: SensorType.activeEnergy,
} as const;

/** Unsigned32 counters wrap here. */
export const COUNTER_MODULUS = 2 ** 32;
