/**
 * Topic names of the contract (docs/mqtt.md). Everything here is retained except the
 * command topics (`…/set`, `bridge/request/…`), which are never retained.
 */

export interface TopicOptions {
  baseTopic: string;
  discoveryPrefix: string;
}

export function topics({ baseTopic, discoveryPrefix }: TopicOptions) {
  return {
    bridgeState: `${baseTopic}/bridge/state`,
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
    request: (action: string) => `${baseTopic}/bridge/request/${action}`,
    response: (action: string) => `${baseTopic}/bridge/response/${action}`,
    /** Subscriptions of the command side. */
    commandFilters: [
      `${baseTopic}/+/outlet/+/name/set`,
      `${baseTopic}/+/outlet/+/set`,
      `${baseTopic}/bridge/request/#`,
    ],
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

/** Classifies an incoming command topic. Outlet numbers stay strings: the command module validates them. */
export function parseCommandTopic(baseTopic: string, topic: string): CommandTopic {
  if (!topic.startsWith(`${baseTopic}/`)) return { kind: 'other' };
  const rest = topic.slice(baseTopic.length + 1).split('/');
  if (rest[0] === 'bridge' && rest[1] === 'request' && rest.length > 2) {
    return { kind: 'request', action: rest.slice(2).join('/') };
  }
  const [pdu, outletWord, outlet, a, b] = rest;
  if (pdu === undefined || outletWord !== 'outlet' || outlet === undefined) return { kind: 'other' };
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
