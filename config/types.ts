/**
 * The typed, validated configuration the rest of the bridge reads. Optional values that are not set are
 * `null` (never ''), per-PDU values that inherit from a section are already resolved, and the whole
 * object is frozen. The file format (raw input) is described by config/schema.ts.
 */

export type SnmpVersion = '1' | '2c' | '3';
export type SnmpV3Level = 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
export type SnmpAuthProtocol = 'sha' | 'sha256';
export type SnmpPrivProtocol = 'aes';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** SNMPv3 USM credentials. Keys that the level does not use are ''. */
export interface SnmpV3Config {
  readonly user: string;
  readonly level: SnmpV3Level;
  readonly authProtocol: SnmpAuthProtocol;
  readonly authKey: string;
  readonly privProtocol: SnmpPrivProtocol;
  readonly privKey: string;
}

/** An outlet of a configured PDU: `unit` is pduId (1 without daisy-chaining, 2… for linked units). */
export interface ProtectedOutlet {
  readonly unit: number;
  readonly outlet: number;
}

export interface PduConfig {
  /** [a-z0-9_-], unique; the MQTT topic level and the key of everything about this PDU. */
  readonly id: string;
  /** Display name; null = use the name the PDU reports. */
  readonly name: string | null;
  readonly host: string;
  readonly port: number;
  readonly version: SnmpVersion;
  /** v1/v2c read community ('public' by default; unused with v3). */
  readonly community: string;
  /** v1/v2c write community; null = read-only (no renames, no switching). */
  readonly writeCommunity: string | null;
  /** Read credentials when version is '3', else null. */
  readonly v3: SnmpV3Config | null;
  /** Write credentials when version is '3': a separate write user, or the read user (`v3`). */
  readonly writeV3: SnmpV3Config | null;
  /** Seconds between polls (resolved from snmp.pollInterval when the PDU does not set it). */
  readonly pollInterval: number;
  /** ms per SNMP attempt (resolved from snmp.timeout). */
  readonly timeout: number;
  /** Attempts after the first (resolved from snmp.retries). */
  readonly retries: number;
  /** Switching outlets on/off/cycle is allowed only when true. */
  readonly allowSwitching: boolean;
  /** Outlets never switched, whatever allowSwitching says (docs/commands.md). */
  readonly protectedOutlets: readonly ProtectedOutlet[];
  /** Longest outlet name written to the PDU. */
  readonly maxNameLength: number;
}

/** A PDU as written in the file or passed in `overrides.pdus`, before defaults (see config/pdu-schema.ts). */
export interface PduInput {
  id: string;
  host: string;
  name?: string;
  port?: number;
  version?: SnmpVersion;
  community?: string;
  writeCommunity?: string;
  v3?: Partial<SnmpV3Config & { writeUser: string; writeAuthKey: string; writePrivKey: string }>;
  pollInterval?: number | null;
  timeout?: number | null;
  retries?: number | null;
  allowSwitching?: boolean;
  /** Outlet numbers of unit 1, or "unit:outlet" strings for linked units. */
  protectedOutlets?: readonly (number | string)[];
  maxNameLength?: number;
}

export interface SnmpConfig {
  /** Default seconds between polls. */
  readonly pollInterval: number;
  readonly timeout: number;
  readonly retries: number;
  /** Seconds between re-reads of names and decimal digits. */
  readonly namesRefresh: number;
  /** Consecutive failed polls before a PDU is reported offline. */
  readonly offlineAfter: number;
  /** Varbinds per request to start with (lowered on tooBig). */
  readonly maxVarbinds: number;
}

export interface MqttConfig {
  /** External broker URL; null = start the embedded broker. */
  readonly url: string | null;
  /** Embedded broker bind address. */
  readonly host: string;
  /** Embedded broker TCP port (0 = any free port). */
  readonly port: number;
  /** Embedded broker MQTT-over-WebSocket port; null = off. */
  readonly wsPort: number | null;
  readonly username: string | null;
  readonly password: string | null;
  /** CA certificate file for mqtts:/wss: (checked to exist). */
  readonly ca: string | null;
  readonly baseTopic: string;
  readonly discoveryPrefix: string;
  readonly discovery: boolean;
  /** Identifies this bridge in discovery and client ids (resolved from baseTopic when unset). */
  readonly bridgeId: string;
  /** Seconds: unchanged state is republished at most this often (0 = every poll). */
  readonly refreshInterval: number;
}

export interface HttpConfig {
  readonly host: string;
  /** 0 = any free port. */
  readonly port: number;
  /** Bearer token for writes (bridge/http/auth.ts). */
  readonly token: string | null;
  /** Basic auth, when both are set. */
  readonly username: string | null;
  readonly password: string | null;
  /** Reads need the credentials too (the API, events, /metrics). */
  readonly protectReads: boolean;
}

export interface DbConfig {
  /** SQLite file (':memory:' allowed). */
  readonly path: string;
  readonly rawRetentionDays: number;
  readonly rollupRetentionYears: number;
}

export interface LogConfig {
  readonly level: LogLevel;
}

export interface Config {
  /** May be empty (env-only start, demo before it adds its simulated PDU); `run` calls requirePdus. */
  readonly pdus: readonly PduConfig[];
  readonly snmp: SnmpConfig;
  readonly mqtt: MqttConfig;
  readonly http: HttpConfig;
  readonly db: DbConfig;
  readonly log: LogConfig;
  /** Set by the demo command through overrides; never from the file or env. */
  readonly demo: boolean;
  /** The config file that was read, or null (env and defaults only). */
  readonly file: string | null;
}
