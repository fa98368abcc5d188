import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, type LoadOptions, loadConfig } from '../../config/load.ts';
import { configError, tempConfigDir } from './config-helpers.ts';

const files = tempConfigDir();
afterAll(() => files.cleanup());

const fromFile = (text: string, env: LoadOptions['env'] = {}) => {
  const file = files.write(`c${Math.random().toString(36).slice(2)}.json`, text);
  return configError(() => loadConfig({ file, env }));
};
const pdu = (extra: string) => `{ "pdus": [ { "id": "a", "host": "10.0.0.1", ${extra} } ] }`;

describe('loadConfig rejects bad input with one line naming the key', () => {
  const cases: [string, string, RegExp][] = [
    [
      'unknown top-level key',
      '{ "mqqt": { "port": 1 } }',
      /^config: mqqt: unknown key \(did you mean mqtt\?\)$/,
    ],
    [
      'unknown section key',
      '{ "mqtt": { "prot": 1 } }',
      /^config: mqtt\.prot: unknown key \(did you mean mqtt\.port\?\)$/,
    ],
    [
      'unknown PDU key',
      pdu('"comunity": "x"'),
      /^config: pdus\[0\]\.comunity: unknown key \(did you mean pdus\[0\]\.community\?\)$/,
    ],
    ['bad port', pdu('"port": "abc"'), /^config: pdus\[0\]\.port: must be an integer 1\.\.65535, got "abc"$/],
    [
      'port out of range',
      '{ "http": { "port": 70000 } }',
      /^config: http\.port: must be an integer 0\.\.65535, got 70000$/,
    ],
    [
      'bad version',
      pdu('"version": "2"'),
      /^config: pdus\[0\]\.version: must be one of "1", "2c", "3", got "2"$/,
    ],
    [
      'bad id characters',
      '{ "pdus": [ { "id": "Rack A", "host": "h" } ] }',
      /^config: pdus\[0\]\.id: must be lowercase/,
    ],
    ['missing id', '{ "pdus": [ { "host": "h" } ] }', /^config: pdus\[0\]\.id: is required$/],
    ['missing host', '{ "pdus": [ { "id": "a" } ] }', /^config: pdus\[0\]\.host: is required$/],
    [
      'bad host',
      '{ "pdus": [ { "id": "a", "host": "h" }, { "id": "b", "host": "no such host!" } ] }',
      /^config: pdus\[1\]\.host: must be a hostname or IP address, got "no such host!"$/,
    ],
    [
      'duplicate id',
      '{ "pdus": [ { "id": "a", "host": "h" }, { "id": "a", "host": "i" } ] }',
      /^config: pdus\[1\]\.id: "a" is already the id of pdus\[0\]$/,
    ],
    [
      'reserved id',
      '{ "pdus": [ { "id": "bridge", "host": "h" } ] }',
      /^config: pdus\[0\]\.id: "bridge" is reserved/,
    ],
    [
      'id colliding with a linked unit',
      '{ "pdus": [ { "id": "a", "host": "h" }, { "id": "a-2", "host": "i" } ] }',
      /^config: pdus\[1\]\.id: "a-2" would collide with linked unit 2 of "a"/,
    ],
    ['pdus not an array', '{ "pdus": { "id": "a" } }', /^config: pdus: must be an array/],
    [
      'PDU not an object',
      '{ "pdus": [ "10.0.0.1" ] }',
      // A PDU holds secrets: what stood in for it is named by its kind, never quoted.
      /^config: pdus\[0\]: must be an object, got a string$/,
    ],
    [
      'object for a value',
      '{ "http": { "port": { "a": 1 } } }',
      /^config: http\.port: must be integer 0\.\.65535, got \{"a":1\}$/,
    ],
    [
      'object for a PDU value',
      pdu('"host": { "a": 1 }'),
      /^config: pdus\[0\]\.host: must be hostname or IP, got \{"a":1\}$/,
    ],
    ['section not an object', '{ "mqtt": 5 }', /^config: mqtt: must be an object, got a number$/],
    ['v3 without user', pdu('"version": "3"'), /^config: pdus\[0\]\.v3\.user: is required with version "3"/],
    [
      'v3 authPriv without privKey',
      pdu('"version": "3", "v3": { "user": "u", "authKey": "authkey123" }'),
      /^config: pdus\[0\]\.v3\.privKey: is required with level "authPriv"$/,
    ],
    [
      'v3 authNoPriv without authKey',
      pdu('"version": "3", "v3": { "user": "u", "level": "authNoPriv" }'),
      /^config: pdus\[0\]\.v3\.authKey: is required with level "authNoPriv"$/,
    ],
    [
      'v3 write user without keys',
      pdu(
        '"version": "3", "v3": { "user": "u", "authKey": "authkey123", "privKey": "privkey123", "writeUser": "w" }',
      ),
      /^config: pdus\[0\]\.v3\.writeAuthKey: is required for writeUser/,
    ],
    [
      'v3 short key',
      pdu('"version": "3", "v3": { "user": "u", "authKey": "short" }'),
      /^config: pdus\[0\]\.v3\.authKey: must be at least 8 characters$/,
    ],
    [
      'v3 bad auth protocol',
      pdu('"version": "3", "v3": { "authProtocol": "md5" }'),
      /^config: pdus\[0\]\.v3\.authProtocol: must be one of "sha", "sha256", got "md5"$/,
    ],
    [
      'v3 block without version 3',
      pdu('"v3": { "user": "u" }'),
      /^config: pdus\[0\]\.v3\.user: is set but pdus\[0\]\.version is "2c"/,
    ],
    [
      'baseTopic with #',
      '{ "mqtt": { "baseTopic": "r2m/#" } }',
      /^config: mqtt\.baseTopic: must not contain the MQTT wildcards/,
    ],
    [
      'baseTopic with +',
      '{ "mqtt": { "baseTopic": "a/+/b" } }',
      /^config: mqtt\.baseTopic: must not contain the MQTT wildcards/,
    ],
    [
      'baseTopic with trailing /',
      '{ "mqtt": { "baseTopic": "r2m/" } }',
      /^config: mqtt\.baseTopic: must not start or end with \//,
    ],
    [
      'discoveryPrefix empty',
      '{ "mqtt": { "discoveryPrefix": "" } }',
      /^config: mqtt\.discoveryPrefix: must not be empty$/,
    ],
    [
      'bad log level',
      '{ "log": { "level": "verbose" } }',
      /^config: log\.level: must be one of "fatal", .*got "verbose"$/,
    ],
    [
      'bad boolean',
      '{ "mqtt": { "discovery": "yes please" } }',
      /^config: mqtt\.discovery: must be true or false/,
    ],
    [
      'bad url',
      '{ "mqtt": { "url": "http://broker" } }',
      /^config: mqtt\.url: must use mqtt:, mqtts:, ws: or wss:, got "http:"$/,
    ],
    [
      'missing ca file',
      '{ "mqtt": { "ca": "/nonexistent/ca.pem" } }',
      /^config: mqtt\.ca: file not found: \/nonexistent\/ca\.pem$/,
    ],
    [
      'basic auth half set',
      '{ "http": { "username": "admin" } }',
      /^config: http\.password: is required with http\.username$/,
    ],
    [
      'poll interval too small',
      pdu('"pollInterval": 0'),
      /^config: pdus\[0\]\.pollInterval: must be a number 0\.1\.\.86400, got 0$/,
    ],
  ];

  for (const [name, text, expected] of cases) {
    it(name, () => {
      const error = fromFile(text);
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(expected);
      expect(error.message).not.toContain('\n');
      expect(error.message.startsWith(`config: ${error.key}: `)).toBe(true);
    });
  }

  it('invalid JSON names the file and the position', () => {
    const error = fromFile('{ "mqtt": { "port": 1883, } oops }');
    // Not the character itself: it may be the first letter of an unquoted secret.
    expect(error.message).toMatch(/^config: .*\.json: invalid JSON: invalid character at 1:29$/);
  });

  it('a file that is not an object is rejected', () => {
    expect(fromFile('[1, 2]').message).toMatch(/must contain a JSON object/);
  });

  it('a missing R2M_CONFIG file is an error naming the variable and the path', () => {
    const error = configError(() => loadConfig({ env: { R2M_CONFIG: '/nonexistent/r2m.json' } }));
    expect(error.message).toBe('config: R2M_CONFIG: file not found: /nonexistent/r2m.json');
  });

  it('a missing file given as argument names the path', () => {
    const error = configError(() => loadConfig({ file: '/nonexistent/x.json', env: {} }));
    expect(error.message).toBe('config: file: file not found: /nonexistent/x.json');
  });

  it('names the environment variable a bad value came from', () => {
    expect(configError(() => loadConfig({ env: { R2M_HTTP_PORT: 'http' } })).message).toBe(
      'config: http.port (R2M_HTTP_PORT): must be an integer 0..65535, got "http"',
    );
    expect(configError(() => loadConfig({ env: { R2M_PDU_HOST: 'h', R2M_PDU_PORT: '0' } })).message).toBe(
      'config: R2M_PDU_PORT (pdus[0].port): must be an integer 1..65535, got 0',
    );
    expect(configError(() => loadConfig({ env: { R2M_PDU_HOST: 'h', R2M_PDU_ID: 'Rack 1' } })).key).toBe(
      'R2M_PDU_ID (pdus[0].id)',
    );
  });

  it('reports the first problem and counts the rest; issues lists them all', () => {
    const error = fromFile(
      '{ "http": { "port": -1 }, "db": { "rawRetentionDays": 0 }, "log": { "lvl": 1 } }',
    );
    expect(error.message).toBe('config: log.lvl: unknown key (and 2 more)');
    expect(error.issues.map((i) => i.key)).toEqual(['log.lvl', 'http.port', 'db.rawRetentionDays']);
  });

  it('unknown override keys are rejected too', () => {
    const error = configError(() => loadConfig({ env: {}, overrides: { http: { prot: 1 } as never } }));
    expect(error.key).toBe('http.prot');
  });
});
