/**
 * The sensor kinds raritan2mqtt announces, each with the device_class / unit / state_class pair Home
 * Assistant accepts (homeassistant/components/sensor/const.py: DEVICE_CLASS_UNITS and
 * DEVICE_CLASS_STATE_CLASSES; the MQTT sensor drops an entity whose unit its device class does not
 * allow, homeassistant/components/mqtt/sensor.py validate_sensor_state_and_device_class_config).
 */

export interface SensorKind {
  /** The field of the state JSON (docs/mqtt.md) and the component id. */
  field: string;
  name: string;
  device_class?: string;
  unit_of_measurement?: string;
  state_class: 'measurement' | 'total' | 'total_increasing';
  suggested_display_precision?: number;
  icon?: string;
  entity_category?: 'diagnostic' | 'config';
}

/** Shared by outlets and the inlet. */
export const METRIC_SENSORS: readonly SensorKind[] = [
  {
    field: 'power',
    name: 'Power',
    device_class: 'power',
    unit_of_measurement: 'W',
    state_class: 'measurement',
    suggested_display_precision: 0,
  },
  {
    field: 'apparent_power',
    name: 'Apparent power',
    device_class: 'apparent_power',
    unit_of_measurement: 'VA',
    state_class: 'measurement',
    suggested_display_precision: 0,
  },
  {
    field: 'current',
    name: 'Current',
    device_class: 'current',
    unit_of_measurement: 'A',
    state_class: 'measurement',
    suggested_display_precision: 2,
  },
  {
    field: 'voltage',
    name: 'Voltage',
    device_class: 'voltage',
    unit_of_measurement: 'V',
    state_class: 'measurement',
    suggested_display_precision: 0,
  },
  // power_factor accepts `%` or no unit (DEVICE_CLASS_UNITS); we publish 0..1, so no unit.
  {
    field: 'power_factor',
    name: 'Power factor',
    device_class: 'power_factor',
    state_class: 'measurement',
    suggested_display_precision: 2,
  },
  // Energy dashboard: device_class energy, an energy unit and state_class total/total_increasing.
  // The published kWh never decreases (docs/energy.md), hence total_increasing.
  {
    field: 'energy',
    name: 'Energy',
    device_class: 'energy',
    unit_of_measurement: 'kWh',
    state_class: 'total_increasing',
    suggested_display_precision: 2,
  },
];

/** Inlet-only extras. */
export const PDU_SENSORS: readonly SensorKind[] = [
  ...METRIC_SENSORS,
  {
    field: 'frequency',
    name: 'Frequency',
    device_class: 'frequency',
    unit_of_measurement: 'Hz',
    state_class: 'measurement',
    suggested_display_precision: 1,
  },
  { field: 'outlets_on', name: 'Outlets on', state_class: 'measurement', icon: 'mdi:power-socket-eu' },
];

/** From the diagnostics topic, not the PDU JSON. */
export const DIAGNOSTIC_SENSORS: readonly SensorKind[] = [
  {
    field: 'last_poll_duration',
    name: 'Last poll duration',
    device_class: 'duration',
    unit_of_measurement: 'ms',
    state_class: 'measurement',
    entity_category: 'diagnostic',
    suggested_display_precision: 0,
  },
  {
    field: 'requests',
    name: 'SNMP requests per poll',
    state_class: 'measurement',
    entity_category: 'diagnostic',
    icon: 'mdi:swap-horizontal',
  },
];
