import {
  bridgeDeviceKey,
  type Component,
  DEFAULT_SUPPORT_URL,
  type DevicePayload,
  ORIGIN_NAME,
} from './discovery.ts';
import { slug, type TopicOptions, topics } from './topics.ts';

/**
 * The bridge itself as a Home Assistant device, as zigbee2mqtt announces its own: a connection
 * binary_sensor read from the bridge's state (it has no availability of its own, so a stopped or
 * dead bridge shows "disconnected", not "unavailable"), its version, and two buttons whose presses
 * go through the command module like any request (`poll_now`, `republish_discovery`). Pure.
 */

export interface BridgeDeviceOptions extends TopicOptions {
  bridgeId: string;
  swVersion: string;
  supportUrl?: string;
}

/** `<prefix>/device/<bridge>_bridge/config`: a PDU id may not be "bridge", so no PDU's config is here. */
export function bridgeNodeId(bridgeId: string): string {
  return `${slug(bridgeId)}_bridge`;
}

export function bridgeDeviceDiscovery(o: BridgeDeviceOptions): { topic: string; payload: DevicePayload } {
  const t = topics(o);
  const key = bridgeDeviceKey(o.bridgeId);
  const entity = `${slug(o.bridgeId)}_bridge`;
  const avail = { availability: [{ topic: t.bridgeState }] };
  const button = (id: string, name: string, icon: string, extra: object = {}): Component => ({
    platform: 'button',
    name,
    unique_id: `${key}_${id}`,
    default_entity_id: `button.${entity}_${id}`,
    command_topic: t.request(id),
    // A request body: every bridge request is JSON (docs/mqtt.md, "Requests").
    payload_press: '{}',
    icon,
    ...avail,
    ...extra,
  });
  const components: Record<string, Component> = {
    connection_state: {
      platform: 'binary_sensor',
      name: 'Connection state',
      unique_id: `${key}_connection_state`,
      default_entity_id: `binary_sensor.${entity}_connection_state`,
      device_class: 'connectivity',
      entity_category: 'diagnostic',
      state_topic: t.bridgeState,
      payload_on: 'online',
      payload_off: 'offline',
    },
    version: {
      platform: 'sensor',
      name: 'Version',
      unique_id: `${key}_version`,
      default_entity_id: `sensor.${entity}_version`,
      entity_category: 'diagnostic',
      icon: 'mdi:information-outline',
      state_topic: t.bridgeInfo,
      value_template: '{{ value_json.version }}',
      ...avail,
    },
    poll_now: button('poll_now', 'Poll now', 'mdi:refresh'),
    republish_discovery: button('republish_discovery', 'Republish discovery', 'mdi:home-assistant', {
      entity_category: 'config',
    }),
  };
  const defaultRoot = t.bridgeRoot === `${o.baseTopic}/bridge`;
  return {
    topic: t.deviceConfig(bridgeNodeId(o.bridgeId)),
    payload: {
      device: {
        identifiers: [key],
        name: defaultRoot ? 'raritan2mqtt bridge' : `raritan2mqtt bridge ${o.bridgeId}`,
        manufacturer: 'raritan2mqtt',
        model: 'Bridge',
        sw_version: o.swVersion,
      },
      origin: {
        name: ORIGIN_NAME,
        sw_version: o.swVersion,
        support_url: o.supportUrl ?? DEFAULT_SUPPORT_URL,
      },
      components,
    },
  };
}
