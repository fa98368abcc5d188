import { switchRefusal } from '../facts/outlet-rules.ts';
import type { OutletReading, PduReading } from '../readings.ts';
import {
  type ComponentContext,
  hardwareComponents,
  perLine,
  problemComponent,
} from './discovery-hardware.ts';
import {
  availability,
  type Component,
  type DevicePayload,
  type DiscoveryMessage,
  type DiscoveryOptions,
  identityKey,
  nodeId,
  origin,
  sensor,
  shareOptions,
  TEXT_MAX,
} from './discovery-parts.ts';
import { DIAGNOSTIC_SENSORS, METRIC_SENSORS, PDU_SENSORS } from './entities.ts';
import { slug, topics } from './topics.ts';

export {
  bridgeDeviceKey,
  type Component,
  DEFAULT_SUPPORT_URL,
  type DevicePayload,
  type DiscoveryMessage,
  type DiscoveryOptions,
  nodeId,
  ORIGIN_NAME,
} from './discovery-parts.ts';

/**
 * Home Assistant device-based discovery (`<prefix>/device/<id>/config`, HA >= 2024.11), pure: one
 * device per PDU unit (totals) and one per outlet (via_device the PDU), docs/mqtt.md.
 * Full key names (device, origin, components, platform), never abbreviations; every component
 * carries its own state_topic and availability so nothing depends on HA's shared-option merging.
 */

export function pduDeviceName(r: PduReading): string {
  return r.identity.name.trim() !== '' ? r.identity.name : `Raritan ${r.identity.model || 'PDU'} (${r.id})`;
}

/**
 * An outlet device carries its PDU's name: two PDUs with the same outlet names (the A and B feeds of a
 * rack) stay apart in Home Assistant, whose entity names start with the device's.
 */
export function outletDeviceName(r: PduReading, o: OutletReading): string {
  // The PDU's name (pdus[].name, else its own), else its id: "Rack A: NAS", "pdu1 outlet 2".
  const pdu = r.identity.name.trim() || r.id;
  return o.name.trim() !== '' ? `${pdu}: ${o.name.trim()}` : `${pdu} outlet ${o.label || o.outlet}`;
}

/** The PDU's web page: Raritan PDUs serve it over HTTPS (HTTP redirects there). */
export function pduWebPage(host: string): string {
  return `https://${host.includes(':') ? `[${host}]` : host}`;
}

export function pduDiscovery(r: PduReading, o: DiscoveryOptions): DiscoveryMessage {
  const t = topics(o);
  const key = identityKey(r, o.bridgeId);
  const entityBase = slug(r.id);
  const avail = availability(o, r.id);
  const components: Record<string, Component> = {};
  for (const kind of PDU_SENSORS)
    if (!perLine(r, kind.field)) components[kind.field] = sensor(kind, key, entityBase, t.pdu(r.id), avail);
  for (const kind of DIAGNOSTIC_SENSORS)
    components[kind.field] = sensor(kind, key, entityBase, t.diagnostics(r.id), avail);
  Object.assign(components, hardwareComponents(r, { key, entityBase, avail, topics: t }));
  const device: Record<string, unknown> = {
    identifiers: [key],
    name: pduDeviceName(r),
    manufacturer: 'Raritan',
    model: r.identity.model || 'PDU',
  };
  if (r.identity.serial) device.serial_number = r.identity.serial;
  if (r.identity.firmware) device.sw_version = r.identity.firmware;
  // Home Assistant's device registry keys connections by lowercase, colon-separated MAC (format_mac).
  if (r.identity.mac) device.connections = [['mac', r.identity.mac.toLowerCase()]];
  if (o.configurationUrl) device.configuration_url = o.configurationUrl;
  if (o.viaDevice) device.via_device = o.viaDevice;
  const id = nodeId(o.bridgeId, r.id);
  const payload = {
    device,
    origin: origin(o),
    ...shareOptions(components, { state_topic: t.pdu(r.id), ...avail }),
  };
  return { topic: t.deviceConfig(id), id, pdu: r.id, payload };
}

export function outletDiscovery(r: PduReading, outlet: OutletReading, o: DiscoveryOptions): DiscoveryMessage {
  const t = topics(o);
  const pduKey = identityKey(r, o.bridgeId);
  const n = outlet.outlet;
  const key = `${pduKey}_outlet_${n}`;
  const entityBase = `${slug(r.id)}_outlet_${n}`;
  const stateTopic = t.outlet(r.id, n);
  const avail = availability(o, r.id);
  const components: Record<string, Component> = {};
  for (const kind of METRIC_SENSORS)
    components[kind.field] = sensor(kind, key, entityBase, stateTopic, avail);
  components.state = {
    platform: 'binary_sensor',
    name: 'State',
    unique_id: `${key}_state`,
    default_entity_id: `binary_sensor.${entityBase}_state`,
    device_class: 'power',
    state_topic: stateTopic,
    value_template: '{{ value_json.state }}',
    payload_on: 'on',
    payload_off: 'off',
    ...avail,
  };
  const context: ComponentContext = { key, entityBase, avail, topics: t };
  components.problem = problemComponent(context, stateTopic);
  components.name = {
    platform: 'text',
    name: 'Name',
    unique_id: `${key}_name`,
    default_entity_id: `text.${entityBase}_name`,
    entity_category: 'config',
    icon: 'mdi:rename',
    state_topic: stateTopic,
    value_template: '{{ value_json.name }}',
    command_topic: t.outletNameSet(r.id, n),
    max: Math.max(1, Math.min(o.maxNameLength, TEXT_MAX)),
    ...avail,
  };
  // A switch and a cycle button exactly where a switch command would be carried out.
  if (switchRefusal(r.id, o, n, outlet.switchable === true) === undefined) {
    components.switch = {
      platform: 'switch',
      name: 'Switch',
      unique_id: `${key}_switch`,
      default_entity_id: `switch.${entityBase}`,
      device_class: 'outlet',
      state_topic: stateTopic,
      value_template: '{{ value_json.state }}',
      state_on: 'on',
      state_off: 'off',
      command_topic: t.outletSet(r.id, n),
      payload_on: 'ON',
      payload_off: 'OFF',
      ...avail,
    };
    components.cycle = {
      platform: 'button',
      name: 'Power cycle',
      unique_id: `${key}_cycle`,
      default_entity_id: `button.${entityBase}_power_cycle`,
      device_class: 'restart',
      command_topic: t.outletSet(r.id, n),
      payload_press: 'CYCLE',
      ...avail,
    };
  }
  const device: Record<string, unknown> = {
    identifiers: [key],
    name: outletDeviceName(r, outlet),
    manufacturer: 'Raritan',
    model: `${r.identity.model || 'PDU'} outlet`,
    via_device: pduKey,
  };
  const id = nodeId(o.bridgeId, r.id, n);
  return {
    topic: t.deviceConfig(id),
    id,
    pdu: r.id,
    outlet: n,
    payload: {
      device,
      origin: origin(o),
      ...shareOptions(components, { state_topic: stateTopic, ...avail }),
    },
  };
}

/** Every discovery message of one PDU unit: its own device first, then one per outlet. */
export function buildDiscovery(r: PduReading, o: DiscoveryOptions): DiscoveryMessage[] {
  return [pduDiscovery(r, o), ...r.outlets.map((outlet) => outletDiscovery(r, outlet, o))];
}

/**
 * HA removes a component of a device config when it is republished with only its platform
 * (homeassistant/components/mqtt/discovery.py). Adds such markers for components `previous` had
 * and `next` lacks (e.g. switching turned off), so HA drops them instead of keeping stale entities.
 */
export function withRemovals(next: DevicePayload, previous: unknown): DevicePayload {
  if (typeof previous !== 'object' || previous === null) return next;
  const prev = (previous as { components?: unknown }).components;
  if (typeof prev !== 'object' || prev === null) return next;
  const components = { ...next.components };
  for (const [key, value] of Object.entries(prev as Record<string, unknown>)) {
    if (key in components) continue;
    const platform = (value as { platform?: unknown } | null)?.platform;
    // A marker left from an earlier removal is not carried forward: HA already dropped it.
    if (typeof platform === 'string' && Object.keys(value as object).length > 1)
      components[key] = { platform };
  }
  return { ...next, components };
}
