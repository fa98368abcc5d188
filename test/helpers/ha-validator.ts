/**
 * A checker of device-based MQTT discovery payloads against Home Assistant's own rules, for tests.
 * Tables are transcribed from Home Assistant core (2025.x):
 * - homeassistant/components/sensor/const.py: DEVICE_CLASS_UNITS, DEVICE_CLASS_STATE_CLASSES
 *   (only the device classes raritan2mqtt could plausibly use are listed; others are rejected here);
 * - homeassistant/components/mqtt/schemas.py: DEVICE_DISCOVERY_SCHEMA (top-level keys, required
 *   device/origin/components, a unique_id per entity component), MQTT_ENTITY_DEVICE_INFO_SCHEMA
 *   (identifiers or connections), MQTT_ORIGIN_INFO_SCHEMA (origin.name required);
 * - homeassistant/components/mqtt/discovery.py: TOPIC_MATCHER for the discovery topic, a component
 *   reduced to {platform} removes it;
 * - homeassistant/components/mqtt/sensor.py: the MQTT sensor drops an entity whose unit its device
 *   class does not allow; binary_sensor / switch / button / text device classes from their platforms;
 * - homeassistant/components/mqtt/text.py: max <= 255 (MAX_LENGTH_STATE_STATE), min <= max;
 * - homeassistant/components/binary_sensor/__init__.py: BinarySensorDeviceClass; the MQTT binary_sensor
 *   (mqtt/binary_sensor.py) takes what its template renders as payload_on, payload_off or 'None' (unknown)
 *   and ignores anything else.
 */

const POWER_UNITS = ['mW', 'W', 'kW', 'MW', 'GW', 'TW', 'BTU/h'];
const ENERGY_UNITS = [
  'J',
  'kJ',
  'MJ',
  'GJ',
  'mWh',
  'Wh',
  'kWh',
  'MWh',
  'GWh',
  'TWh',
  'cal',
  'kcal',
  'Mcal',
  'Gcal',
];

/** DEVICE_CLASS_UNITS; `null` stands for "no unit". */
export const DEVICE_CLASS_UNITS: Record<string, ReadonlyArray<string | null>> = {
  apparent_power: ['mVA', 'VA', 'kVA'],
  current: ['A', 'mA'],
  duration: ['d', 'h', 'min', 's', 'ms'],
  energy: ENERGY_UNITS,
  frequency: ['Hz', 'kHz', 'MHz', 'GHz'],
  power: POWER_UNITS,
  humidity: ['%'],
  illuminance: ['lx'],
  power_factor: ['%', null],
  pressure: ['Pa', 'hPa', 'kPa', 'bar', 'cbar', 'mbar', 'mmHg', 'inHg', 'psi'],
  reactive_power: ['var', 'mvar', 'kvar'],
  temperature: ['°C', '°F', 'K'],
  voltage: ['V', 'mV', 'µV', 'kV', 'MV'],
};

/** DEVICE_CLASS_STATE_CLASSES. */
export const DEVICE_CLASS_STATE_CLASSES: Record<string, readonly string[]> = {
  apparent_power: ['measurement'],
  current: ['measurement'],
  duration: ['measurement', 'total', 'total_increasing'],
  energy: ['total', 'total_increasing'],
  frequency: ['measurement'],
  humidity: ['measurement'],
  illuminance: ['measurement'],
  power: ['measurement'],
  pressure: ['measurement'],
  power_factor: ['measurement'],
  reactive_power: ['measurement'],
  temperature: ['measurement'],
  voltage: ['measurement'],
};

const PLATFORM_DEVICE_CLASSES: Record<string, readonly string[]> = {
  sensor: Object.keys(DEVICE_CLASS_UNITS),
  binary_sensor: [
    'power',
    'plug',
    'running',
    'problem',
    'connectivity',
    'update',
    'door',
    'opening',
    'lock',
    'moisture',
    'smoke',
    'motion',
    'tamper',
    'safety',
  ],
  switch: ['outlet', 'switch'],
  button: ['identify', 'restart', 'update'],
  text: [],
};

/** What each platform must have (its schema's vol.Required, or what makes it usable). */
const REQUIRED: Record<string, readonly string[]> = {
  sensor: ['state_topic'],
  binary_sensor: ['state_topic'],
  switch: ['command_topic'],
  button: ['command_topic'],
  text: ['command_topic'],
};

/** DEVICE_DISCOVERY_SCHEMA accepts these top-level keys and no others (voluptuous PREVENT_EXTRA). */
const TOP_LEVEL = new Set([
  'device',
  'origin',
  'components',
  'availability',
  'availability_mode',
  'availability_template',
  'availability_topic',
  'payload_available',
  'payload_not_available',
  'state_topic',
  'command_topic',
  'message_expiry_interval',
  'qos',
  'encoding',
]);

const SHARED = ['availability', 'availability_mode', 'state_topic', 'command_topic', 'qos'];
const TOPIC_MATCHER = /^(\w+)\/(?:([a-zA-Z0-9_-]+)\/)?([a-zA-Z0-9_-]+)\/config$/;
const ENTITY_ID = /^([a-z_]+)\.([a-z0-9_]+)$/;
/** `{{ value_json.a }}` or `{{ value_json.lines.L1.current }}`: one field, by a dotted path. */
const SIMPLE_TEMPLATE = /^\{\{\s*value_json((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*\}\}$/;
/** A conditional one-expression template (`{{ 'ON' if value_json.alarms else 'OFF' }}`): its field paths. */
const CONDITIONAL_TEMPLATE = /^\{\{\s*[^{}]*\bif\b[^{}]*\}\}$/;
const FIELD_PATH = /\bvalue_json((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g;
const QUOTED = /'([^']*)'/g;

/** MQTT topic rules for topics HA publishes to or subscribes to without wildcards. */
export function topicError(topic: unknown): string | undefined {
  if (typeof topic !== 'string' || topic === '') return 'empty or not a string';
  if (/[#+]/.test(topic)) return 'contains a wildcard';
  if (topic.includes('\u0000')) return 'contains NUL';
  if (Buffer.byteLength(topic) > 65535) return 'longer than 65535 bytes';
  return undefined;
}

export interface ValidationInput {
  discoveryPrefix: string;
  /** Discovery topic -> parsed payload. */
  configs: Map<string, unknown>;
  /** State topic -> last retained payload, to resolve value templates. */
  states: Map<string, string>;
}

/** Returns every rule broken, as readable strings; empty when HA would accept everything. */
export function validateDiscovery({ discoveryPrefix, configs, states }: ValidationInput): string[] {
  const errors: string[] = [];
  const uniqueIds = new Map<string, string>();
  const entityIds = new Map<string, string>();
  for (const [topic, payload] of configs) {
    const at = (msg: string) => errors.push(`${topic}: ${msg}`);
    if (!topic.startsWith(`${discoveryPrefix}/`)) at('not under the discovery prefix');
    const m = TOPIC_MATCHER.exec(topic.slice(discoveryPrefix.length + 1));
    if (m?.[1] !== 'device') at('not a device discovery topic matching TOPIC_MATCHER');
    if (typeof payload !== 'object' || payload === null) {
      at('payload is not a JSON object');
      continue;
    }
    const p = payload as Record<string, unknown>;
    for (const key of Object.keys(p)) if (!TOP_LEVEL.has(key)) at(`unknown top-level key ${key}`);
    const device = p.device as Record<string, unknown> | undefined;
    if (!device || typeof device !== 'object') at('device is required');
    else {
      const ids = device.identifiers;
      const hasIds = (Array.isArray(ids) && ids.length > 0) || (typeof ids === 'string' && ids !== '');
      if (!hasIds && !(Array.isArray(device.connections) && device.connections.length > 0)) {
        at('device needs identifiers or connections');
      }
      for (const k of ['name', 'manufacturer', 'model', 'sw_version', 'serial_number', 'via_device']) {
        if (k in device && typeof device[k] !== 'string') at(`device.${k} must be a string`);
      }
      // MQTT_ENTITY_DEVICE_INFO_SCHEMA: connections are [type, value] pairs; configuration_url is a
      // URL (cv.configuration_url: http(s) or homeassistant://).
      const conns = device.connections;
      if (conns !== undefined) {
        const pairs =
          Array.isArray(conns) &&
          conns.every((c) => Array.isArray(c) && c.length === 2 && c.every((x) => typeof x === 'string'));
        if (!pairs) at('device.connections must be a list of [type, value] pairs');
      }
      const url = device.configuration_url;
      if (url !== undefined) {
        let ok = false;
        try {
          ok = ['http:', 'https:', 'homeassistant:'].includes(new URL(String(url)).protocol);
        } catch {}
        if (!ok) at(`device.configuration_url ${String(url)} is not an http(s) or homeassistant:// URL`);
      }
    }
    const origin = p.origin as Record<string, unknown> | undefined;
    if (!origin || typeof origin.name !== 'string' || origin.name === '') at('origin.name is required');
    const components = p.components as Record<string, Record<string, unknown>> | undefined;
    if (!components || typeof components !== 'object' || Object.keys(components).length === 0) {
      at('components must be a non-empty object');
      continue;
    }
    for (const [cid, raw] of Object.entries(components)) {
      const c: Record<string, unknown> = { ...raw };
      const where = (msg: string) => at(`component ${cid}: ${msg}`);
      if (!/^[a-zA-Z0-9_-]+$/.test(cid)) where('component id has characters HA rejects');
      const platform = c.platform;
      if (typeof platform !== 'string' || !(platform in REQUIRED)) {
        where(`unsupported platform ${String(platform)}`);
        continue;
      }
      if (Object.keys(c).length === 1) continue; // a removal marker
      for (const k of SHARED) if (!(k in c) && k in p) c[k] = p[k];
      if ('object_id' in c) where('uses the deprecated object_id (use default_entity_id)');
      for (const k of REQUIRED[platform] ?? []) if (!(k in c)) where(`${k} is required`);
      const uid = c.unique_id;
      if (typeof uid !== 'string' || uid === '') where('unique_id is required (device-based discovery)');
      else if (uniqueIds.has(uid)) where(`unique_id ${uid} also used by ${uniqueIds.get(uid)}`);
      else uniqueIds.set(uid, `${topic}#${cid}`);
      const eid = c.default_entity_id;
      if (eid !== undefined) {
        const e = typeof eid === 'string' ? ENTITY_ID.exec(eid) : null;
        if (!e) where(`default_entity_id ${String(eid)} is not <domain>.<object_id>`);
        else if (e[1] !== platform) where(`default_entity_id ${String(eid)} is not in domain ${platform}`);
        else if (entityIds.has(eid as string)) where(`default_entity_id ${String(eid)} used twice`);
        else entityIds.set(eid as string, cid);
      }
      for (const k of ['state_topic', 'command_topic']) {
        if (k in c) {
          const err = topicError(c[k]);
          if (err) where(`${k} ${err}`);
        }
      }
      const avail = c.availability;
      if (avail !== undefined) {
        if (!Array.isArray(avail) || avail.length === 0) where('availability must be a non-empty list');
        else
          for (const a of avail)
            if (topicError((a as { topic?: unknown })?.topic)) where('availability topic invalid');
      }
      if (
        c.availability_mode !== undefined &&
        !['all', 'any', 'latest'].includes(String(c.availability_mode))
      ) {
        where(`availability_mode ${String(c.availability_mode)} invalid`);
      }
      if (c.entity_category !== undefined && !['config', 'diagnostic'].includes(String(c.entity_category))) {
        where(`entity_category ${String(c.entity_category)} invalid`);
      }
      const dc = c.device_class;
      if (dc !== undefined && !(PLATFORM_DEVICE_CLASSES[platform] ?? []).includes(String(dc))) {
        where(`device_class ${String(dc)} not valid for ${platform}`);
      }
      if (platform === 'sensor') checkSensor(c, where);
      if (platform === 'text') {
        const max = c.max ?? 255;
        const min = c.min ?? 0;
        if (typeof max !== 'number' || max > 255 || max < 1) where(`text max ${String(max)} must be 1..255`);
        if (typeof min !== 'number' || (typeof max === 'number' && min > max))
          where('text min must be <= max');
      }
      checkTemplate(c, states, where);
    }
  }
  return errors;
}

function checkSensor(c: Record<string, unknown>, where: (msg: string) => void): void {
  const dc = c.device_class as string | undefined;
  const unit = (c.unit_of_measurement as string | undefined) ?? null;
  const sc = c.state_class as string | undefined;
  if (sc !== undefined && !['measurement', 'total', 'total_increasing'].includes(sc))
    where(`state_class ${sc} invalid`);
  if (dc === undefined) return;
  const units = DEVICE_CLASS_UNITS[dc];
  if (units && !units.includes(unit)) where(`unit ${String(unit)} not allowed for device_class ${dc}`);
  const classes = DEVICE_CLASS_STATE_CLASSES[dc];
  if (sc !== undefined && classes && !classes.includes(sc))
    where(`state_class ${sc} not allowed for device_class ${dc}`);
  if (dc === 'energy' && (sc === undefined || !['total', 'total_increasing'].includes(sc))) {
    where('energy needs state_class total or total_increasing for the Energy dashboard');
  }
}

function checkTemplate(
  c: Record<string, unknown>,
  states: Map<string, string>,
  where: (msg: string) => void,
): void {
  const tpl = c.value_template;
  if (tpl === undefined) return;
  const text = typeof tpl === 'string' ? tpl : '';
  const simple = SIMPLE_TEMPLATE.exec(text);
  const paths = simple
    ? [simple[1]!]
    : CONDITIONAL_TEMPLATE.test(text)
      ? [...text.matchAll(FIELD_PATH)].map((m) => m[1]!)
      : [];
  if (paths.length === 0) {
    where(
      `value_template ${String(tpl)} is neither {{ value_json.<field> }} nor a conditional over value_json`,
    );
    return;
  }
  if (!simple && c.platform === 'binary_sensor') {
    // What the template can render must be a payload the binary_sensor knows, or 'None' (unknown).
    const known = new Set([String(c.payload_on ?? 'ON'), String(c.payload_off ?? 'OFF'), 'None']);
    const outputs = [...text.matchAll(QUOTED)].map((m) => m[1]!).filter((q) => /^[A-Z][A-Za-z]*$/.test(q));
    for (const out of outputs) if (!known.has(out)) where(`value_template renders '${out}', not a payload`);
    for (const need of [c.payload_on ?? 'ON', c.payload_off ?? 'OFF'])
      if (!outputs.includes(String(need))) where(`value_template never renders '${String(need)}'`);
  }
  const stateTopic = c.state_topic as string | undefined;
  const raw = stateTopic === undefined ? undefined : states.get(stateTopic);
  if (raw === undefined) {
    where(`no state published on ${String(stateTopic)} to check ${paths.join(', ')} against`);
    return;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    where(`state on ${stateTopic} is not JSON`);
    return;
  }
  for (const path of paths) {
    let at: unknown = json;
    for (const key of path.slice(1).split('.')) {
      if (typeof at !== 'object' || at === null || !(key in at)) {
        where(`value_template field ${path.slice(1)} missing from the state JSON on ${stateTopic}`);
        break;
      }
      at = (at as Record<string, unknown>)[key];
    }
  }
}
