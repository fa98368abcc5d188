import { pduSchema } from './pdu-schema.ts';
import type { Section } from './spec.ts';

/**
 * The configuration schema: the one definition of every key (docs/config.md). Its types, env
 * variables, checks, errors and the README reference all come from here. Precedence, lowest first:
 * these defaults, the JSON5 file (R2M_CONFIG), environment variables, then `overrides` from the
 * command line / demo. An empty environment variable counts as unset (docker-compose passes `VAR=`
 * for unset variables). Every leaf has doc, format and default; `env` where a deployment sets it from
 * outside.
 */

const topicDoc = 'no + or #, no leading, trailing or double /';

export const schema = {
  pdus: {
    doc: 'The PDUs to poll (see the pdus[] keys below). Single-PDU setups may use the R2M_PDU_* variables instead.',
    format: 'r2m-pdus',
    items: pduSchema,
    default: [],
  },
  snmp: {
    pollInterval: {
      doc: 'Default seconds between polls of each PDU.',
      format: 'r2m-number',
      min: 0.1,
      max: 86400,
      default: 60,
      env: 'R2M_POLL_INTERVAL',
    },
    timeout: {
      doc: 'Default ms per SNMP attempt.',
      format: 'r2m-int',
      min: 50,
      max: 60000,
      default: 3000,
      env: 'R2M_SNMP_TIMEOUT',
    },
    retries: {
      doc: 'Default SNMP retries after the first attempt.',
      format: 'r2m-int',
      min: 0,
      max: 10,
      default: 1,
      env: 'R2M_SNMP_RETRIES',
    },
    namesRefresh: {
      doc: 'Seconds between re-reads of outlet names and sensor decimal digits (they rarely change).',
      format: 'r2m-int',
      min: 10,
      max: 86400,
      default: 300,
      env: 'R2M_SNMP_NAMES_REFRESH',
    },
    offlineAfter: {
      doc: 'Consecutive failed polls before a PDU is published offline.',
      format: 'r2m-int',
      min: 1,
      max: 100,
      default: 3,
      env: 'R2M_SNMP_OFFLINE_AFTER',
    },
    maxVarbinds: {
      doc: 'Varbinds per SNMP request to start with; halved and remembered when the agent answers tooBig.',
      format: 'r2m-int',
      min: 1,
      max: 1000,
      default: 60,
      env: 'R2M_SNMP_MAX_VARBINDS',
    },
  },
  mqtt: {
    url: {
      doc: 'External broker URL (mqtt://, mqtts://, ws://, wss://); empty = start the embedded broker.',
      format: 'r2m-mqtt-url',
      optional: true,
      unset: '',
      default: '',
      env: 'R2M_MQTT_URL',
    },
    host: {
      doc: 'Bind address of the embedded broker; empty = 127.0.0.1 without credentials (local clients may send commands; only the bridge publishes its state and discovery), all interfaces once username and password are set, as Mosquitto 2 does (docs/security.md).',
      format: 'r2m-host',
      optional: true,
      default: '',
      env: 'R2M_MQTT_HOST',
    },
    port: {
      doc: 'TCP port of the embedded broker (0 = any free port).',
      format: 'r2m-int',
      min: 0,
      max: 65535,
      default: 1883,
      env: 'R2M_MQTT_PORT',
    },
    wsPort: {
      doc: 'MQTT-over-WebSocket port of the embedded broker; 0 = off.',
      format: 'r2m-int',
      min: 0,
      max: 65535,
      unset: 0,
      default: 0,
      env: 'R2M_MQTT_WS_PORT',
    },
    username: {
      doc: 'Username for the broker.',
      format: 'r2m-string',
      optional: true,
      unset: '',
      default: '',
      env: 'R2M_MQTT_USERNAME',
    },
    password: {
      doc: 'Password for the broker.',
      format: 'r2m-string',
      optional: true,
      sensitive: true,
      unset: '',
      default: '',
      env: 'R2M_MQTT_PASSWORD',
    },
    ca: {
      doc: 'CA certificate file (PEM) for mqtts:// or wss:// brokers; empty = system CAs.',
      format: 'r2m-string',
      optional: true,
      unset: '',
      default: '',
      env: 'R2M_MQTT_CA',
    },
    baseTopic: {
      doc: `Base topic of every message (${topicDoc}).`,
      format: 'r2m-topic',
      default: 'raritan2mqtt',
      env: 'R2M_BASE_TOPIC',
    },
    discoveryPrefix: {
      doc: `Home Assistant discovery prefix (${topicDoc}).`,
      format: 'r2m-topic',
      default: 'homeassistant',
      env: 'R2M_DISCOVERY_PREFIX',
    },
    discovery: {
      doc: 'Publish Home Assistant MQTT discovery.',
      format: 'r2m-bool',
      default: true,
      env: 'R2M_DISCOVERY',
    },
    bridgeId: {
      doc: 'Id of this bridge in discovery and client ids ([A-Za-z0-9_-]); empty = derived from baseTopic.',
      format: 'r2m-string',
      optional: true,
      pattern: /^[A-Za-z0-9_-]{1,64}$/,
      patternDoc: 'letters, digits, _ or - (at most 64)',
      default: '',
      env: 'R2M_BRIDGE_ID',
    },
    refreshInterval: {
      doc: 'Seconds: unchanged state is republished at most this often (0 = every poll).',
      format: 'r2m-int',
      min: 0,
      max: 86400,
      default: 300,
      env: 'R2M_MQTT_REFRESH_INTERVAL',
    },
  },
  http: {
    host: {
      doc: 'Bind address of the web panel and API (all interfaces: the panel is meant to be opened from other machines and from a container; writes from them need credentials, see http.token).',
      format: 'r2m-host',
      default: '0.0.0.0',
      env: 'R2M_HTTP_HOST',
    },
    port: {
      doc: 'Port of the web panel and API (0 = any free port).',
      format: 'r2m-int',
      min: 0,
      max: 65535,
      default: 5000,
      env: 'R2M_HTTP_PORT',
    },
    token: {
      doc: 'Bearer token for writes (and reads with http.protectReads). Empty, without a username: from other machines, writes need the token the bridge keeps in http-token beside the database (when http.host is not loopback); docs/security.md.',
      format: 'r2m-string',
      optional: true,
      sensitive: true,
      unset: '',
      default: '',
      env: 'R2M_HTTP_TOKEN',
    },
    username: {
      doc: 'Basic-auth username for writes (and reads with http.protectReads), with http.password.',
      format: 'r2m-string',
      optional: true,
      sensitive: true,
      unset: '',
      default: '',
      env: 'R2M_HTTP_USERNAME',
    },
    password: {
      doc: 'Basic-auth password (with http.username).',
      format: 'r2m-string',
      optional: true,
      sensitive: true,
      unset: '',
      default: '',
      env: 'R2M_HTTP_PASSWORD',
    },
    protectReads: {
      doc: 'Reads (the API, the event stream, /metrics) need the same credentials as writes; /healthz and the panel files stay open.',
      format: 'r2m-bool',
      default: false,
      env: 'R2M_HTTP_PROTECT_READS',
    },
  },
  db: {
    path: {
      doc: 'SQLite database file (":memory:" keeps nothing).',
      format: 'r2m-string',
      default: './data/raritan2mqtt.db',
      env: 'R2M_DB_PATH',
    },
    rawRetentionDays: {
      doc: 'Days of raw samples to keep (rollups keep the long history).',
      format: 'r2m-int',
      min: 1,
      max: 3650,
      default: 7,
      env: 'R2M_DB_RAW_RETENTION_DAYS',
    },
    rollupRetentionYears: {
      doc: 'Years of rollups to keep.',
      format: 'r2m-int',
      min: 1,
      max: 100,
      default: 5,
      env: 'R2M_DB_ROLLUP_RETENTION_YEARS',
    },
  },
  log: {
    level: {
      doc: 'Log level (pino).',
      format: 'r2m-enum',
      values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
      env: 'R2M_LOG_LEVEL',
    },
  },
  demo: {
    doc: 'Set by the demo command (simulated PDU); not accepted from the file or env.',
    format: 'r2m-bool',
    default: false,
  },
} as const satisfies Section;
