import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hasWriteAccess, loadConfig, requirePdus } from '../../config/load.ts';
import { configError, tempConfigDir } from './config-helpers.ts';

const example = fileURLToPath(new URL('../../config/raritan2mqtt.example.json', import.meta.url));
const files = tempConfigDir();
afterAll(() => files.cleanup());

describe('loadConfig defaults', () => {
  const config = loadConfig({ env: {} });

  it('has the documented defaults and no PDU', () => {
    expect(config.pdus).toEqual([]);
    expect(config.file).toBeNull();
    expect(config.demo).toBe(false);
    expect(config.snmp).toEqual({
      pollInterval: 60,
      timeout: 3000,
      retries: 1,
      namesRefresh: 300,
      offlineAfter: 3,
      maxVarbinds: 60,
      trapPort: 1162,
      trapHost: '0.0.0.0',
      trapCommunity: null,
    });
    expect(config.mqtt).toEqual({
      url: null,
      host: '127.0.0.1',
      port: 1883,
      wsPort: null,
      username: null,
      password: null,
      ca: null,
      baseTopic: 'raritan2mqtt',
      discoveryPrefix: 'homeassistant',
      discovery: true,
      bridgeId: 'raritan2mqtt',
      refreshInterval: 300,
    });
    expect(config.http).toEqual({
      host: '0.0.0.0',
      port: 5000,
      token: null,
      username: null,
      password: null,
      protectReads: false,
    });
    expect(config.db).toEqual({
      path: './data/raritan2mqtt.db',
      rawRetentionDays: 7,
      rollupRetentionYears: 5,
    });
    expect(config.log.level).toBe('info');
  });

  it('is deeply frozen', () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.mqtt)).toBe(true);
    expect(() => {
      (config.mqtt as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('requirePdus refuses an empty list with a message naming pdus and R2M_PDU_HOST', () => {
    const error = configError(() => requirePdus(config));
    expect(error.key).toBe('pdus');
    expect(error.message).toMatch(/^config: pdus: no PDU configured.*R2M_PDU_HOST/);
  });
});

describe('loadConfig from the environment', () => {
  it('reads every documented variable (from the env object, not process.env)', () => {
    const config = loadConfig({
      env: {
        R2M_PDU_HOST: '10.1.2.3',
        R2M_PDU_PORT: '1161',
        R2M_PDU_COMMUNITY: 'ro-secret',
        R2M_PDU_WRITE_COMMUNITY: 'rw-secret',
        R2M_PDU_ID: 'rack7',
        R2M_POLL_INTERVAL: '15',
        R2M_MQTT_URL: 'mqtt://broker.lan:1884',
        R2M_MQTT_PORT: '11883',
        R2M_BASE_TOPIC: 'lab/pdus',
        R2M_DISCOVERY_PREFIX: 'ha',
        R2M_HTTP_PORT: '8080',
        R2M_HTTP_HOST: '127.0.0.1',
        R2M_DB_PATH: '/var/lib/r2m.db',
        R2M_LOG_LEVEL: 'debug',
        R2M_DISCOVERY: 'off',
      },
    });
    expect(config.pdus).toEqual([
      {
        id: 'rack7',
        name: null,
        host: '10.1.2.3',
        port: 1161,
        version: '2c',
        community: 'ro-secret',
        writeCommunity: 'rw-secret',
        v3: null,
        writeV3: null,
        pollInterval: 15,
        timeout: 3000,
        retries: 1,
        allowSwitching: false,
        protectedOutlets: [],
        maxNameLength: 64,
      },
    ]);
    expect(config.mqtt).toMatchObject({
      url: 'mqtt://broker.lan:1884',
      port: 11883,
      baseTopic: 'lab/pdus',
      discoveryPrefix: 'ha',
      discovery: false,
      bridgeId: 'lab_pdus',
    });
    expect(config.http).toMatchObject({ port: 8080, host: '127.0.0.1' });
    expect(config.db.path).toBe('/var/lib/r2m.db');
    expect(config.log.level).toBe('debug');
    expect(hasWriteAccess(requirePdus(config)[0])).toBe(true);
  });

  it('binds the embedded broker to loopback unless credentials are set, as Mosquitto 2 does', () => {
    expect(loadConfig({ env: {} }).mqtt.host).toBe('127.0.0.1');
    const secured = loadConfig({ env: { R2M_MQTT_USERNAME: 'ha', R2M_MQTT_PASSWORD: 'secret-pass' } });
    expect(secured.mqtt.host).toBe('0.0.0.0');
    const pinned = loadConfig({
      env: { R2M_MQTT_USERNAME: 'ha', R2M_MQTT_PASSWORD: 'secret-pass', R2M_MQTT_HOST: '127.0.0.1' },
    });
    expect(pinned.mqtt.host).toBe('127.0.0.1');
  });

  it('uses pdu1 as the default id and treats empty variables as unset', () => {
    const config = loadConfig({
      env: { R2M_PDU_HOST: 'pdu.lan', R2M_HTTP_PORT: '', R2M_PDU_WRITE_COMMUNITY: '' },
    });
    expect(config.pdus.map((p) => [p.id, p.host, p.writeCommunity])).toEqual([['pdu1', 'pdu.lan', null]]);
    expect(config.http.port).toBe(5000);
    expect(hasWriteAccess(requirePdus(config)[0])).toBe(false);
  });

  it('env overrides the file, and overrides win over both', () => {
    const file = files.write('prec.json', '{ "http": { "port": 6000 }, "mqtt": { "port": 1999 } }');
    const config = loadConfig({
      file,
      env: { R2M_HTTP_PORT: '7000', R2M_MQTT_PORT: '2000' },
      overrides: { http: { port: 0 } },
    });
    expect(config.http.port).toBe(0);
    expect(config.mqtt.port).toBe(2000);
    expect(config.file).toBe(file);
  });

  it('R2M_PDU_* update the file PDU with the id R2M_PDU_ID, field by field', () => {
    const file = files.write(
      'merge.json',
      '{ pdus: [ { id: "a", host: "a.lan" }, { id: "pdu1", host: "old.lan", port: 1161, name: "Kept" } ] }',
    );
    const config = loadConfig({ file, env: { R2M_PDU_HOST: 'new.lan', R2M_PDU_COMMUNITY: 'from-env' } });
    expect(config.pdus.map((p) => [p.id, p.host, p.port, p.name, p.community])).toEqual([
      ['a', 'a.lan', 161, null, 'public'],
      ['pdu1', 'new.lan', 1161, 'Kept', 'from-env'],
    ]);
  });

  it('R2M_PDU_HOST appends a PDU when the file has none with that id', () => {
    const file = files.write('append.json', '{ "pdus": [ { "id": "a", "host": "a.lan" } ] }');
    const config = loadConfig({ file, env: { R2M_PDU_HOST: 'b.lan', R2M_PDU_ID: 'b' } });
    expect(config.pdus.map((p) => [p.id, p.host])).toEqual([
      ['a', 'a.lan'],
      ['b', 'b.lan'],
    ]);
  });

  it('a community without a host or a matching PDU is an error naming the variable', () => {
    const error = configError(() => loadConfig({ env: { R2M_PDU_COMMUNITY: 'x-secret' } }));
    expect(error.message).toMatch(/^config: R2M_PDU_COMMUNITY: no PDU with id "pdu1"/);
    expect(error.message).not.toContain('x-secret');
  });

  it('reads the file path from R2M_CONFIG', () => {
    const file = files.write('env-path.json', '{ "log": { "level": "warn" } }');
    expect(loadConfig({ env: { R2M_CONFIG: file } }).log.level).toBe('warn');
  });

  it('the demo flag comes from overrides only', () => {
    expect(loadConfig({ env: {}, overrides: { demo: true } }).demo).toBe(true);
    const file = files.write('demo.json', '{ "demo": true }');
    expect(configError(() => loadConfig({ file, env: {} })).key).toBe('demo');
  });
});

describe('the example config', () => {
  const config = loadConfig({ file: example, env: {} });

  it('loads, with a v2c PDU that can write and a v3 authPriv SHA-256/AES PDU', () => {
    const [a, b] = requirePdus(config);
    expect(a).toMatchObject({
      id: 'rack-a',
      version: '2c',
      writeCommunity: 'change-me-private',
      pollInterval: 60,
    });
    expect(b).toMatchObject({ id: 'rack-b', version: '3', pollInterval: 10, timeout: 3000, retries: 1 });
    expect(b?.v3).toEqual({
      user: 'monitor',
      level: 'authPriv',
      authProtocol: 'sha256',
      authKey: 'change-me-auth-key',
      privProtocol: 'aes',
      privKey: 'change-me-priv-key',
    });
    expect(b?.writeV3).toMatchObject({ user: 'admin-snmp', authKey: 'change-me-write-auth' });
    expect(hasWriteAccess(a!)).toBe(true);
  });

  it('keeps every section at its default', () => {
    const defaults = loadConfig({ env: {} });
    for (const section of ['snmp', 'mqtt', 'http', 'db', 'log'] as const) {
      expect(config[section]).toEqual(defaults[section]);
    }
  });
});

describe('PDU details', () => {
  it('accepts a UTF-8 BOM, comments and trailing commas', () => {
    const file = files.write(
      'bom.json',
      '\uFEFF// site config\n{ "pdus": [ { "id": "a", "host": "::1", }, ], /* end */ }',
    );
    expect(loadConfig({ file, env: {} }).pdus[0]?.host).toBe('::1');
  });

  it('per-PDU timing overrides the snmp section, null inherits it', () => {
    const config = loadConfig({
      env: { R2M_SNMP_TIMEOUT: '500' },
      overrides: {
        snmp: { retries: 4 },
        pdus: [
          { id: 'a', host: 'a.lan', timeout: 900, pollInterval: 2.5 },
          { id: 'b', host: 'b.lan', retries: null },
        ],
      },
    });
    expect(config.pdus.map((p) => [p.pollInterval, p.timeout, p.retries])).toEqual([
      [2.5, 900, 4],
      [60, 500, 4],
    ]);
  });

  it('v3 noAuthNoPriv needs no keys and drops the ones it does not use; the read user writes by default', () => {
    const [pdu] = requirePdus(
      loadConfig({
        env: {},
        overrides: {
          pdus: [
            {
              id: 'a',
              host: 'h',
              version: '3',
              v3: { user: 'u', level: 'noAuthNoPriv', authKey: 'unused-key' },
            },
          ],
        },
      }),
    );
    expect(pdu.v3).toEqual({
      user: 'u',
      level: 'noAuthNoPriv',
      authProtocol: 'sha',
      authKey: '',
      privProtocol: 'aes',
      privKey: '',
    });
    expect(pdu.writeV3).toEqual(pdu.v3);
    expect(hasWriteAccess(pdu)).toBe(true);
  });

  it('coerces numeric and boolean strings from the file like env values', () => {
    const file = files.write(
      'strings.json',
      '{ "pdus": [ { "id": "a", "host": "h", "port": "1161", "allowSwitching": "yes" } ] }',
    );
    const [pdu] = requirePdus(loadConfig({ file, env: {} }));
    expect([pdu.port, pdu.allowSwitching]).toEqual([1161, true]);
  });
});

describe('mqtt.bridgeId', () => {
  it('refuses the names of the bridge’s own topics: its root would overlap the default bridge’s', () => {
    for (const id of ['state', 'request', 'info']) {
      expect(() => loadConfig({ env: { R2M_BRIDGE_ID: id } })).toThrow(/mqtt\.bridgeId.*reserved/);
    }
    expect(loadConfig({ env: { R2M_BRIDGE_ID: 'rack_b' } }).mqtt.bridgeId).toBe('rack_b');
  });
});
