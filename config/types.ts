import type { ConfigIssue } from './errors.ts';
import type { pduSchema } from './pdu-schema.ts';
import type { schema } from './schema.ts';
import type { Input, Settings, Simplify, Values } from './spec.ts';

export type { ProtectedOutlet } from './formats.ts';

/**
 * The configuration's types, all derived from the schema (config/spec.ts has the rules): nothing here
 * names a key again but the one reshaping the schema cannot express, a PDU's v3 block becoming the
 * credentials of its read and its write session.
 */

type V3Keys = Settings<typeof pduSchema.v3>;

/** SNMPv3 USM credentials of one session. Keys that the level does not use are ''. */
export type SnmpV3Config = Simplify<Omit<V3Keys, 'writeUser' | 'writeAuthKey' | 'writePrivKey'>>;

export type PduConfig = Simplify<
  Omit<Settings<typeof pduSchema>, 'v3'> & {
    /** Read credentials when version is '3', else null. */
    readonly v3: SnmpV3Config | null;
    /** Write credentials when version is '3': the write user, or the read user (`v3`); else null. */
    readonly writeV3: SnmpV3Config | null;
  }
>;

type Sections = Settings<typeof schema>;

/**
 * The typed, validated configuration the bridge reads: optional values that are not set are null
 * (never ''), per-PDU values that inherit from a section are resolved, and the whole object is frozen.
 */
export type Config = Simplify<
  Omit<Sections, 'pdus'> & {
    /** May be empty (env-only start, demo before it adds its simulated PDU); `run` calls requirePdus. */
    readonly pdus: readonly PduConfig[];
    /** The config file that was read, or null (env and defaults only). */
    readonly file: string | null;
    /** Not fatal: the environment's R2M_* variables that are no setting (config/env.ts). */
    readonly warnings: readonly ConfigIssue[];
  }
>;

export type SnmpConfig = Config['snmp'];
export type MqttConfig = Config['mqtt'];
export type HttpConfig = Config['http'];
export type DbConfig = Config['db'];
export type LogConfig = Config['log'];
export type LogLevel = LogConfig['level'];
export type SnmpVersion = PduConfig['version'];
export type SnmpV3Level = SnmpV3Config['level'];

/** A PDU as written in the file or passed in `overrides.pdus`, before defaults. */
export type PduInput = Input<typeof pduSchema>;

/** The raw values of one PDU and of the whole file, defaults filled and checked (config/read.ts). */
export type PduValues = Values<typeof pduSchema>;
export type ConfigValues = Values<typeof schema>;

/**
 * Values that win over file and env: the CLI's flags and the demo command (`{ demo: true, pdus: [...] }`).
 * `pdus` replaces the list wholesale (the R2M_PDU_* variables do not apply to it).
 */
export type ConfigOverrides = Input<typeof schema>;
