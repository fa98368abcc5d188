import { describe, expect, expectTypeOf, it } from 'vitest';
import type { HttpDeps } from '../../bridge/http/deps.ts';
import type { MqttOptions, MqttPduOptions } from '../../bridge/mqtt/consumer.ts';
import {
  type Config,
  type ConfigOverrides,
  loadConfig,
  type PduConfig,
  type PduInput,
  type SnmpV3Config,
} from '../../config/load.ts';

/**
 * The Config type is derived from the schema (config/spec.ts): these checks are compiled by tsc
 * (`npm run check`), so a schema change that gives a key another type, or drops one the bridge reads,
 * fails the build here. The runtime checks below hold the same facts for the values.
 */

describe('the Config type derived from the schema', () => {
  it('has the sections and fields the bridge reads, with their types', () => {
    expectTypeOf<Config['snmp']>().toEqualTypeOf<{
      readonly pollInterval: number;
      readonly timeout: number;
      readonly retries: number;
      readonly namesRefresh: number;
      readonly offlineAfter: number;
      readonly maxVarbinds: number;
      readonly trapPort: number | null;
      readonly trapHost: string;
      readonly trapCommunity: string | null;
    }>();
    expectTypeOf<Config['mqtt']>().toEqualTypeOf<{
      readonly url: string | null;
      readonly host: string;
      readonly port: number;
      readonly wsPort: number | null;
      readonly username: string | null;
      readonly password: string | null;
      readonly ca: string | null;
      readonly baseTopic: string;
      readonly discoveryPrefix: string;
      readonly discovery: boolean;
      readonly bridgeId: string;
      readonly refreshInterval: number;
    }>();
    expectTypeOf<Config['http']>().toEqualTypeOf<{
      readonly host: string;
      readonly port: number;
      readonly token: string | null;
      readonly username: string | null;
      readonly password: string | null;
      readonly protectReads: boolean;
    }>();
    expectTypeOf<Config['db']>().toEqualTypeOf<{
      readonly path: string;
      readonly rawRetentionDays: number;
      readonly rollupRetentionYears: number;
    }>();
    expectTypeOf<Config['log']['level']>().toEqualTypeOf<
      'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
    >();
    expectTypeOf<Config['demo']>().toEqualTypeOf<boolean>();
    expectTypeOf<Config['file']>().toEqualTypeOf<string | null>();
    expectTypeOf<Config['pdus']>().toEqualTypeOf<readonly PduConfig[]>();
  });

  it('resolves a PDU: required keys present, inherited timing a number, unset secrets null', () => {
    expectTypeOf<PduConfig>().toEqualTypeOf<{
      readonly id: string;
      readonly name: string | null;
      readonly host: string;
      readonly port: number;
      readonly version: '1' | '2c' | '3';
      readonly community: string;
      readonly writeCommunity: string | null;
      readonly pollInterval: number;
      readonly timeout: number;
      readonly retries: number;
      readonly allowSwitching: boolean;
      readonly protectedOutlets: readonly { readonly unit: number; readonly outlet: number }[];
      readonly maxNameLength: number;
      readonly v3: SnmpV3Config | null;
      readonly writeV3: SnmpV3Config | null;
    }>();
    expectTypeOf<SnmpV3Config>().toEqualTypeOf<{
      readonly user: string;
      readonly level: 'authPriv' | 'authNoPriv' | 'noAuthNoPriv';
      readonly authProtocol: 'sha' | 'sha256';
      readonly authKey: string;
      readonly privProtocol: 'aes';
      readonly privKey: string;
    }>();
  });

  it('takes input with the required keys only: a PDU needs id and host', () => {
    expectTypeOf<{ id: string; host: string }>().toExtend<PduInput>();
    expectTypeOf<{ host: string }>().not.toExtend<PduInput>();
    expectTypeOf<{ id: string; host: string; port: string }>().not.toExtend<PduInput>();
    expectTypeOf<{
      id: 'a';
      host: 'h';
      pollInterval: null;
      protectedOutlets: ['2:5', 1];
    }>().toExtend<PduInput>();
    expectTypeOf<{ http: { port: number }; demo: boolean }>().toExtend<ConfigOverrides>();
    expectTypeOf<{ http: { port: string } }>().not.toExtend<ConfigOverrides>();
  });

  it('is what the MQTT and HTTP modules take, as it is', () => {
    expectTypeOf<Config['mqtt']>().toExtend<MqttOptions>();
    expectTypeOf<Config['http']>().toEqualTypeOf<HttpDeps['config']>();
    expectTypeOf<PduConfig & { canWrite: boolean }>().toExtend<MqttPduOptions>();
  });

  it('and the values agree with the types', () => {
    const config = loadConfig({ env: { R2M_PDU_HOST: 'pdu.lan' } });
    const [pdu] = config.pdus;
    expect(pdu).toMatchObject({ id: 'pdu1', name: null, writeCommunity: null, v3: null, pollInterval: 60 });
    expect(config.mqtt).toMatchObject({ url: null, wsPort: null, username: null, ca: null });
    expect(config.http).toMatchObject({ token: null, username: null, password: null });
  });
});
