import type { Section } from './spec.ts';

/**
 * The schema of one element of `pdus` (convict does not descend into arrays: each element is read by
 * its own convict instance, config/read.ts). Per-PDU timing keys default to null, meaning "inherit
 * from the snmp section". The `env` variables set that key of the single PDU (config/single-pdu.ts),
 * never of every element.
 */

/** PDU ids become MQTT topic levels and HA object ids: keep them to what both accept unescaped. */
export const PDU_ID = /^[a-z0-9_-]{1,32}$/;

// USM (RFC 3414) rejects passphrases shorter than 8 characters; net-snmp would fail at the first request.
const KEY = { minLength: 8, optional: true, sensitive: true, format: 'r2m-string', default: '' } as const;

export const pduSchema = {
  id: {
    doc: 'Short id, [a-z0-9_-] up to 32 characters, unique: used in MQTT topics and entity ids.',
    format: 'r2m-string',
    pattern: PDU_ID,
    patternDoc: 'lowercase letters, digits, _ or - (at most 32)',
    default: null,
    env: 'R2M_PDU_ID',
  },
  name: {
    doc: 'Display name; empty = the name the PDU reports.',
    format: 'r2m-string',
    optional: true,
    maxLength: 64,
    unset: '',
    default: '',
  },
  host: { doc: 'Hostname or IP address of the PDU.', format: 'r2m-host', default: null, env: 'R2M_PDU_HOST' },
  port: { doc: 'SNMP UDP port.', format: 'r2m-int', min: 1, max: 65535, default: 161, env: 'R2M_PDU_PORT' },
  version: {
    doc: 'SNMP version: "1", "2c" or "3".',
    format: 'r2m-enum',
    values: ['1', '2c', '3'],
    default: '2c',
  },
  community: {
    doc: 'Read community (v1/v2c).',
    format: 'r2m-string',
    sensitive: true,
    default: 'public',
    env: 'R2M_PDU_COMMUNITY',
  },
  writeCommunity: {
    doc: 'Write community (v1/v2c); empty = read-only: no renames, no switching.',
    format: 'r2m-string',
    optional: true,
    sensitive: true,
    unset: '',
    default: '',
    env: 'R2M_PDU_WRITE_COMMUNITY',
  },
  v3: {
    user: {
      doc: 'SNMPv3 user (version "3").',
      format: 'r2m-string',
      optional: true,
      maxLength: 32,
      default: '',
    },
    level: {
      doc: 'SNMPv3 security level.',
      format: 'r2m-enum',
      values: ['authPriv', 'authNoPriv', 'noAuthNoPriv'],
      default: 'authPriv',
    },
    authProtocol: {
      doc: 'SNMPv3 authentication protocol.',
      format: 'r2m-enum',
      values: ['sha', 'sha256'],
      default: 'sha',
    },
    authKey: { ...KEY, doc: 'SNMPv3 authentication passphrase (8+ characters; authNoPriv, authPriv).' },
    privProtocol: { doc: 'SNMPv3 privacy protocol.', format: 'r2m-enum', values: ['aes'], default: 'aes' },
    privKey: { ...KEY, doc: 'SNMPv3 privacy passphrase (8+ characters; authPriv).' },
    writeUser: {
      doc: 'Separate SNMPv3 user for writes (same level and protocols); empty = the read user writes.',
      format: 'r2m-string',
      optional: true,
      maxLength: 32,
      default: '',
    },
    writeAuthKey: { ...KEY, doc: 'Authentication passphrase of the write user.' },
    writePrivKey: { ...KEY, doc: 'Privacy passphrase of the write user.' },
  },
  pollInterval: {
    doc: 'Seconds between polls; null = snmp.pollInterval.',
    format: 'r2m-number',
    min: 0.1,
    max: 86400,
    nullable: true,
    inherit: 'snmp',
    default: null,
  },
  timeout: {
    doc: 'ms per SNMP attempt; null = snmp.timeout.',
    format: 'r2m-int',
    min: 50,
    max: 60000,
    nullable: true,
    inherit: 'snmp',
    default: null,
  },
  retries: {
    doc: 'SNMP retries after the first attempt; null = snmp.retries.',
    format: 'r2m-int',
    min: 0,
    max: 10,
    nullable: true,
    inherit: 'snmp',
    default: null,
  },
  allowSwitching: {
    doc: 'Allow switching outlets off/on/cycle (off by default: switching off a server is serious).',
    format: 'r2m-bool',
    default: false,
  },
  protectedOutlets: {
    doc:
      'Outlets never switched, whatever allowSwitching says (the router, the NAS): no switch or cycle ' +
      'entity, every switch command refused; renames stay allowed. Outlet numbers, e.g. [1, 24]; ' +
      '"2:5" is outlet 5 of linked unit 2.',
    format: 'r2m-outlets',
    default: [],
  },
  maxNameLength: {
    doc: 'Longest outlet name written to the PDU (outletName is a DisplayString).',
    format: 'r2m-int',
    min: 1,
    max: 255,
    default: 64,
  },
} as const satisfies Section;
