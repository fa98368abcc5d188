/**
 * Topic names of the contract (docs/mqtt.md). Everything here is retained except the
 * command topics (`…/set`, `…/request/…`) and the bridge's events, which are never retained.
 */

export interface TopicOptions {
  baseTopic: string;
  discoveryPrefix: string;
  /**
   * The bridge's id (`mqtt.bridgeId`): the bridge's own topics live under `<base>/bridge/<id>/` unless
   * it is the default id (none configured), which keeps `<base>/bridge/` (bridgeRoot).
   */
  bridgeId?: string;
}

/** The bridge id when `mqtt.bridgeId` is not set: the base topic, as an id. */
export function defaultBridgeId(baseTopic: string): string {
  return baseTopic.replace(/[^A-Za-z0-9_-]+/g, '_');
}

/**
 * The levels right under `<base>/bridge/` that the default bridge uses: a bridge id must not be one of
 * them, or its root `<base>/bridge/<id>/` would overlap the default bridge's own topics.
 */
export const BRIDGE_TOPIC_NAMES = [
  'state',
  'info',
  'health',
  'event',
  'request',
  'response',
  'sync',
] as const;

/**
 * Where a bridge's own topics live (its state and last will, info, health, events, requests and
 * responses). Several bridges may share a base topic, each with its own `mqtt.bridgeId`: each then has
 * its own root, so one bridge's `offline` never lands on another's state topic (docs/mqtt.md). A bridge
 * with the default id keeps zigbee2mqtt's layout, `<base>/bridge/…`.
 */
export function bridgeRoot({ baseTopic, bridgeId }: Pick<TopicOptions, 'baseTopic' | 'bridgeId'>): string {
  return bridgeId === undefined || bridgeId === defaultBridgeId(baseTopic)
    ? `${baseTopic}/bridge`
    : `${baseTopic}/bridge/${bridgeId}`;
}

export function topics(o: TopicOptions) {
  const { baseTopic, discoveryPrefix } = o;
  const root = bridgeRoot(o);
  return {
    bridgeRoot: root,
    bridgeState: `${root}/state`,
    /** Retained: version, PDUs, config without secrets, log level (bridge/mqtt/bridge-info.ts). */
    bridgeInfo: `${root}/info`,
    /** Retained, refreshed: uptime, memory, per-PDU polls. */
    bridgeHealth: `${root}/health`,
    /** Not retained: `{ type, data }` for every event the polls observe. */
    bridgeEvent: `${root}/event`,
    /** What every bridge published its state on before bridge roots (the migration clears it). */
    legacyBridgeState: `${baseTopic}/bridge/state`,
    pdu: (pdu: string) => `${baseTopic}/${pdu}`,
    availability: (pdu: string) => `${baseTopic}/${pdu}/availability`,
    /** Not in the section 3 list: poll diagnostics (duration, requests) for the PDU's diagnostic entity. */
    diagnostics: (pdu: string) => `${baseTopic}/${pdu}/diagnostics`,
    outlet: (pdu: string, n: number) => `${baseTopic}/${pdu}/outlet/${n}`,
    outletNameSet: (pdu: string, n: number) => `${baseTopic}/${pdu}/outlet/${n}/name/set`,
    outletSet: (pdu: string, n: number) => `${baseTopic}/${pdu}/outlet/${n}/set`,
    /** An overcurrent protector, by its label as the PDU prints it ("C1"). */
    breaker: (pdu: string, label: string) => `${baseTopic}/${pdu}/breaker/${topicLevel(label)}`,
    /** An external sensor, by its stable id (docs/snmp.md). */
    sensor: (pdu: string, id: string) => `${baseTopic}/${pdu}/sensor/${topicLevel(id)}`,
    request: (action: string) => `${root}/request/${action}`,
    response: (action: string) => `${root}/response/${action}`,
    /** Subscriptions of the command side. */
    commandFilters: [`${baseTopic}/+/outlet/+/name/set`, `${baseTopic}/+/outlet/+/set`, `${root}/request/#`],
    haStatus: `${discoveryPrefix}/status`,
    deviceConfig: (id: string) => `${discoveryPrefix}/device/${id}/config`,
    deviceConfigFilter: `${discoveryPrefix}/device/+/config`,
  };
}

export type Topics = ReturnType<typeof topics>;

export type CommandTopic =
  | { kind: 'name'; pdu: string; outlet: string }
  | { kind: 'switch'; pdu: string; outlet: string }
  | { kind: 'request'; action: string }
  | { kind: 'other' };

/**
 * Classifies an incoming command topic: the outlets' command topics under the base topic, and the
 * requests under this bridge's root. Outlet numbers stay strings: the command module validates them.
 */
export function parseCommandTopic(
  o: Pick<TopicOptions, 'baseTopic' | 'bridgeId'>,
  topic: string,
): CommandTopic {
  const { baseTopic } = o;
  if (!topic.startsWith(`${baseTopic}/`)) return { kind: 'other' };
  const requests = `${bridgeRoot(o)}/request/`;
  if (topic.startsWith(requests) && topic.length > requests.length) {
    return { kind: 'request', action: topic.slice(requests.length) };
  }
  const rest = topic.slice(baseTopic.length + 1).split('/');
  const [pdu, outletWord, outlet, a, b] = rest;
  if (pdu === undefined || pdu === 'bridge' || outletWord !== 'outlet' || outlet === undefined)
    return { kind: 'other' };
  if (rest.length === 5 && a === 'name' && b === 'set') return { kind: 'name', pdu, outlet };
  if (rest.length === 4 && a === 'set') return { kind: 'switch', pdu, outlet };
  return { kind: 'other' };
}

/**
 * A text as one topic level: `/` would add a level and `+`/`#` are wildcards no one can publish to, so
 * those (and control characters) become `_`; everything else stays as the PDU has it.
 */
export function topicLevel(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
  const s = text.trim().replace(/[/+#\u0000-\u001f\u007f]/g, '_');
  return s === '' ? '_' : s;
}

/** An id usable in HA entity ids and discovery node ids: [a-z0-9_] only. */
export function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return s === '' ? 'x' : s;
}
