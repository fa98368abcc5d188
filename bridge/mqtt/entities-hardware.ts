/**
 * How Home Assistant shows what a PDU has beyond its outlets: external sensors by type, as a sensor with
 * the device class HA has for the quantity (homeassistant/components/sensor/const.py DEVICE_CLASS_UNITS:
 * the class is given only with a unit it accepts, else HA drops the entity) or as a binary_sensor with
 * the device class of the contact (homeassistant/components/binary_sensor/__init__.py
 * BinarySensorDeviceClass: on is open for door, unlocked for lock, wet for moisture, detected for smoke,
 * motion and tamper). Which PDU states are on and off: PDU2-MIB's "possible sensor states" per type.
 */

export interface NumericKind {
  device_class: string;
  /** The units HA accepts for the device class: with another unit the sensor goes without a class. */
  units: readonly string[];
}

export interface DiscreteKind {
  /** binary_sensor device class, or undefined for a plain on/off. */
  device_class?: string;
  /** The PDU states that are on (door open, water alarmed); `off` those that are off; others are unknown. */
  on: readonly string[];
  off: readonly string[];
}

const TEMPERATURE: NumericKind = { device_class: 'temperature', units: ['°C', '°F', 'K'] };

/** By ExternalSensorReading.type. Types not listed (air flow, vibration, fan speed, …) get no class. */
export const NUMERIC_KINDS: Readonly<Record<string, NumericKind>> = {
  temperature: TEMPERATURE,
  dew_point: TEMPERATURE,
  humidity: { device_class: 'humidity', units: ['%'] },
  air_pressure: { device_class: 'pressure', units: ['Pa', 'hPa', 'kPa', 'psi'] },
  illuminance: { device_class: 'illuminance', units: ['lx'] },
};

const ALARMED: Omit<DiscreteKind, 'device_class'> = { on: ['alarmed'], off: ['normal'] };
const OPEN: Omit<DiscreteKind, 'device_class'> = { on: ['open'], off: ['closed'] };

/** By ExternalSensorReading.type; an unknown discrete type is a plain alarmed/normal binary_sensor. */
export const DISCRETE_KINDS: Readonly<Record<string, DiscreteKind>> = {
  door: { device_class: 'door', ...OPEN },
  // doorLockState / doorHandleLock: open is unlocked, which is "on" for HA's lock class.
  door_lock: { device_class: 'lock', ...OPEN },
  door_handle: { device_class: 'lock', ...OPEN },
  water: { device_class: 'moisture', ...ALARMED },
  smoke: { device_class: 'smoke', ...ALARMED },
  motion: { device_class: 'motion', ...ALARMED },
  tamper: { device_class: 'tamper', ...ALARMED },
  contact: { device_class: 'problem', ...ALARMED },
  binary: { device_class: 'problem', ...ALARMED },
  trip: { device_class: 'problem', ...OPEN },
  on_off: { device_class: 'power', on: ['on'], off: ['off'] },
};

export const DEFAULT_DISCRETE: DiscreteKind = { ...ALARMED };

/**
 * A binary_sensor template over the payload's `state`: 'ON', 'OFF', or 'None' (HA's unknown,
 * homeassistant/components/mqtt/binary_sensor.py PAYLOAD_NONE) for unavailable and any other state.
 */
export function discreteTemplate(kind: DiscreteKind): string {
  const list = (states: readonly string[]) => `[${states.map((s) => `'${s}'`).join(', ')}]`;
  return `{{ 'ON' if value_json.state in ${list(kind.on)} else ('OFF' if value_json.state in ${list(kind.off)} else 'None') }}`;
}

/** On while the payload's `alarms` has any entry (bridge/facts/alarms.ts decides what is an alarm). */
export const PROBLEM_TEMPLATE = "{{ 'ON' if value_json.alarms else 'OFF' }}";

/** A protector's trip: on when tripped, unknown when the PDU has no trip reading. */
export const TRIPPED_TEMPLATE =
  "{{ 'None' if value_json.tripped is none else ('ON' if value_json.tripped else 'OFF') }}";
