import { afterAll, describe, expect, it } from 'vitest';
import { isPlainObject } from '../../config/formats.ts';
import { loadConfig } from '../../config/load.ts';
import { pduSchema } from '../../config/pdu-schema.ts';
import { schema } from '../../config/schema.ts';
import { configError, tempConfigDir } from './config-helpers.ts';

/**
 * A secret given with the wrong type is named by its key and the type it should have, never quoted:
 * the error line ends up in terminals, journald and bug reports. For every secret key of the schema.
 */

const files = tempConfigDir();
afterAll(() => files.cleanup());

const MARKER = 'Sekr3tMarker';
const NUMBER = 73915024;
/** What a user may write where a secret belongs, each carrying something that must not be echoed. */
const WRONG: [string, unknown][] = [
  ['a number', NUMBER],
  ['an object', { x: MARKER }],
  ['an array', [MARKER]],
  ['a boolean', true],
];

function sensitiveKeys(node: object, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [name, child] of Object.entries(node)) {
    if (!isPlainObject(child)) continue;
    if ('default' in child) {
      if (child.sensitive === true) out.push([...prefix, name]);
    } else out.push(...sensitiveKeys(child, [...prefix, name]));
  }
  return out;
}

function nest(path: readonly string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) throw new Error('empty path');
  return { [head]: rest.length === 0 ? value : nest(rest, value) };
}

function errorFor(text: string) {
  const file = files.write(`s${Math.random().toString(36).slice(2)}.json`, text);
  return configError(() => loadConfig({ file, env: {} }));
}

function expectNoEcho(message: string): void {
  expect(message).not.toContain(MARKER);
  expect(message).not.toContain(String(NUMBER));
  expect(message).not.toContain('\n');
}

const TOP = sensitiveKeys(schema);
const PDU = sensitiveKeys(pduSchema);

describe('config errors never echo a secret', () => {
  it('knows every secret key (a key losing its flag would fail here)', () => {
    expect(TOP.map((k) => k.join('.'))).toEqual([
      'snmp.trapCommunity',
      'mqtt.password',
      'http.token',
      'http.username',
      'http.password',
    ]);
    expect(PDU.map((k) => k.join('.'))).toEqual([
      'community',
      'writeCommunity',
      'v3.authKey',
      'v3.privKey',
      'v3.writeAuthKey',
      'v3.writePrivKey',
    ]);
  });

  for (const path of TOP) {
    for (const [kind, value] of WRONG) {
      it(`${path.join('.')} given ${kind}: names the key and the type`, () => {
        const error = errorFor(JSON.stringify(nest(path, value)));
        expect(error.key).toBe(path.join('.'));
        expect(error.message).toMatch(new RegExp(`: must be (a )?string.*, got ${kind}`));
        expectNoEcho(error.message);
      });
    }
  }

  for (const path of PDU) {
    for (const [kind, value] of WRONG) {
      it(`pdus[0].${path.join('.')} given ${kind}: names the key and the type`, () => {
        const pdu = {
          id: 'a',
          host: '10.0.0.1',
          version: path[0] === 'v3' ? '3' : '2c',
          ...nest(path, value),
        };
        const error = errorFor(JSON.stringify({ pdus: [pdu] }));
        expect(error.key).toBe(`pdus[0].${path.join('.')}`);
        expect(error.message).toMatch(new RegExp(`: must be (a )?string.*, got ${kind}`));
        expectNoEcho(error.message);
      });
    }
  }

  it('says how to write a numeric community', () => {
    const error = errorFor(JSON.stringify({ pdus: [{ id: 'a', host: 'h', community: NUMBER }] }));
    expect(error.message).toBe(
      'config: pdus[0].community: must be a string, got a number (write it in quotes)',
    );
  });

  const containers: [string, string, string][] = [
    ['a PDU given as a string', JSON.stringify({ pdus: [MARKER] }), 'pdus[0]'],
    ['the PDU list given as an object', JSON.stringify({ pdus: { community: MARKER } }), 'pdus'],
    [
      'a v3 block given as a string',
      JSON.stringify({ pdus: [{ id: 'a', host: 'h', v3: MARKER }] }),
      'pdus[0].v3',
    ],
    ['the http section given as a string', JSON.stringify({ http: MARKER }), 'http'],
    ['the mqtt section given as an array', JSON.stringify({ mqtt: [MARKER] }), 'mqtt'],
    [
      'a broker URL with a password in an array',
      JSON.stringify({ mqtt: { url: [`mqtt://u:${MARKER}@h`] } }),
      'mqtt.url',
    ],
    [
      'a broker URL with a password in an object',
      JSON.stringify({ mqtt: { url: { u: `mqtt://u:${MARKER}@h` } } }),
      'mqtt.url',
    ],
  ];
  for (const [what, text, key] of containers) {
    it(`${what}: named by its kind only`, () => {
      const error = errorFor(text);
      expect(error.key).toBe(key);
      expect(error.message).toMatch(/got (a string|an object|an array)$/);
      expectNoEcho(error.message);
    });
  }

  it('an unquoted secret in the file: the JSON error gives the position, not the character', () => {
    const error = errorFor(`{ "http": { "token": ${MARKER} } }`);
    expect(error.message).toMatch(/invalid JSON: invalid character at 1:22$/);
    expect(error.message).not.toMatch(/'S'/);
  });
});

describe('a username without a password', () => {
  it('is refused for the embedded broker: it would lock the bridge out of it', () => {
    const error = errorFor('{ "mqtt": { "username": "ha" } }');
    expect(error.message).toBe(
      'config: mqtt.password: is required with mqtt.username (the embedded broker would refuse every client, the bridge included)',
    );
  });

  it('a null broker URL is the embedded broker, as an empty one', () => {
    expect(errorFor('{ "mqtt": { "url": null, "username": "ha" } }').message).toMatch(
      /^config: mqtt\.password: is required with mqtt\.username \(the embedded broker/,
    );
  });

  it('is refused for an external broker', () => {
    expect(errorFor('{ "mqtt": { "url": "mqtt://broker.lan", "username": "ha" } }').message).toBe(
      'config: mqtt.password: is required with mqtt.username',
    );
  });

  it('is accepted when the broker URL carries the password', () => {
    const config = loadConfig({ env: { R2M_MQTT_URL: 'mqtt://ha:pw@broker.lan', R2M_MQTT_USERNAME: 'ha' } });
    expect(config.mqtt.username).toBe('ha');
  });

  it('is refused for HTTP basic auth, either half alone', () => {
    expect(errorFor('{ "http": { "username": "admin" } }').key).toBe('http.password');
    expect(errorFor('{ "http": { "password": "pw-123" } }').key).toBe('http.username');
  });

  it('names the variable when the username came from the environment', () => {
    const error = configError(() => loadConfig({ env: { R2M_MQTT_USERNAME: 'ha' } }));
    expect(error.key).toBe('mqtt.password');
    expect(error.message).not.toContain('\n');
  });
});
