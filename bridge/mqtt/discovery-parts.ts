import type { PduReading } from '../readings.ts';
import type { SensorKind } from './entities.ts';
import { slug, topics } from './topics.ts';

/**
 * The parts every Home Assistant device config of the bridge is built from (discovery.ts): the types,
 * the owner's node ids, the device identity, origin and availability, a sensor component, and moving
 * the options all components repeat to the root of the config. Pure.
 */

export interface DiscoveryOptions {
  baseTopic: string;
  discoveryPrefix: string;
  /** The PDU's own web page (`configuration_url`, "Visit" in Home Assistant), when known. */
  configurationUrl?: string;
  /** Owner mark: prefix of every discovery node id this bridge publishes. */
  bridgeId: string;
  /** The bridge's own device (bridge-device.ts), when it is announced: every PDU is `via_device` it. */
  viaDevice?: string;
  swVersion: string;
  supportUrl?: string;
  allowSwitching: boolean;
  /** Write credentials are configured: without them no switch would ever work. */
  canWrite: boolean;
  /** The unit's outlets listed in protectedOutlets. */
  protectedOutlets: ReadonlySet<number>;
  maxNameLength: number;
}

export type Component = Record<string, unknown> & { platform: string };

export interface DevicePayload {
  device: Record<string, unknown>;
  origin: { name: string; sw_version?: string; support_url?: string };
  components: Record<string, Component>;
  /** Shared options HA applies to every component that does not set its own (discovery.py). */
  state_topic?: string;
  availability?: unknown;
  availability_mode?: string;
}

/**
 * Moves the options every component repeats (state topic, availability) to the root of the device
 * config, where HA's device discovery shares them: an outlet config shrinks by about a third, which
 * counts at 7,200 retained configs. A component whose value differs keeps its own.
 */
export function shareOptions(
  components: Record<string, Component>,
  shared: { state_topic: string; availability: unknown; availability_mode: string },
): Pick<DevicePayload, 'components' | 'state_topic' | 'availability' | 'availability_mode'> {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const out: Record<string, Component> = {};
  for (const [key, c] of Object.entries(components)) {
    const copy: Component = { ...c };
    for (const k of ['state_topic', 'availability', 'availability_mode'] as const)
      if (k in copy && same(copy[k], shared[k])) delete copy[k];
    out[key] = copy;
  }
  return { ...shared, components: out };
}

export interface DiscoveryMessage {
  topic: string;
  /** The node id of the topic (`<bridge>_<pdu>` or `<bridge>_<pdu>_outlet_<n>`). */
  id: string;
  /** The PDU topic id the device belongs to. */
  pdu: string;
  /** Outlet number, or undefined for the PDU device. */
  outlet?: number;
  payload: DevicePayload;
}

export const ORIGIN_NAME = 'raritan2mqtt';
export const DEFAULT_SUPPORT_URL = 'https://github.com/raritan2mqtt/raritan2mqtt';

/** HA's text entity refuses max > 255 (MAX_LENGTH_STATE_STATE, homeassistant/components/mqtt/text.py). */
export const TEXT_MAX = 255;

/** The bridge device's identifier (bridge-device.ts). */
export function bridgeDeviceKey(bridgeId: string): string {
  return `raritan2mqtt_bridge_${slug(bridgeId)}`;
}

export function nodeId(bridgeId: string, pdu: string, outlet?: number): string {
  const base = `${slug(bridgeId)}_${slug(pdu)}`;
  return outlet === undefined ? base : `${base}_outlet_${outlet}`;
}

/** The device identity: the serial (stable across IP and name changes), the topic id if the PDU has none. */
export function identityKey(r: PduReading, bridgeId: string): string {
  return r.identity.serial.trim() !== ''
    ? `raritan_${slug(r.identity.serial)}`
    : `raritan_${slug(bridgeId)}_${slug(r.id)}`;
}

export function origin(o: DiscoveryOptions): DevicePayload['origin'] {
  return { name: ORIGIN_NAME, sw_version: o.swVersion, support_url: o.supportUrl ?? DEFAULT_SUPPORT_URL };
}

export function availability(o: DiscoveryOptions, pdu: string) {
  const t = topics(o);
  return {
    availability: [{ topic: t.bridgeState }, { topic: t.availability(pdu) }],
    availability_mode: 'all',
  };
}

export function sensor(
  kind: SensorKind,
  uniqueBase: string,
  entityBase: string,
  stateTopic: string,
  avail: object,
): Component {
  const c: Component = {
    platform: 'sensor',
    name: kind.name,
    unique_id: `${uniqueBase}_${kind.field}`,
    default_entity_id: `sensor.${entityBase}_${kind.field}`,
    state_topic: stateTopic,
    value_template: `{{ value_json.${kind.field} }}`,
    state_class: kind.state_class,
    ...avail,
  };
  if (kind.device_class) c.device_class = kind.device_class;
  if (kind.unit_of_measurement) c.unit_of_measurement = kind.unit_of_measurement;
  if (kind.suggested_display_precision !== undefined)
    c.suggested_display_precision = kind.suggested_display_precision;
  if (kind.icon) c.icon = kind.icon;
  if (kind.entity_category) c.entity_category = kind.entity_category;
  return c;
}
