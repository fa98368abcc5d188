import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.ts';
import { closest } from '../../config/suggest.ts';
import { configError, tempConfigDir } from './config-helpers.ts';

/** Every unknown key is named, all of them, each with the closest known key when one is close. */

const files = tempConfigDir();
afterAll(() => files.cleanup());

const fromFile = (config: object) => {
  const file = files.write(`u${Math.random().toString(36).slice(2)}.json`, JSON.stringify(config));
  return configError(() => loadConfig({ file, env: {} }));
};

describe('unknown keys', () => {
  it('names every one, in the file, its sections and its PDUs, each with a did-you-mean', () => {
    const error = fromFile({
      mqtt: { prot: 1884, usernme: 'ha' },
      htpp: { port: 1 },
      snmp: { pollIntervall: 5 },
      pdus: [
        { id: 'a', host: '10.0.0.1', comunity: 'x', v3: { authkey: 'k' } },
        { id: 'b', host: '10.0.0.2', hots: 'h' },
      ],
    });
    expect(error.issues).toEqual([
      { key: 'mqtt.prot', reason: 'unknown key (did you mean mqtt.port?)' },
      { key: 'mqtt.usernme', reason: 'unknown key (did you mean mqtt.username?)' },
      { key: 'htpp', reason: 'unknown key (did you mean http?)' },
      { key: 'snmp.pollIntervall', reason: 'unknown key (did you mean snmp.pollInterval?)' },
      { key: 'pdus[0].comunity', reason: 'unknown key (did you mean pdus[0].community?)' },
      { key: 'pdus[0].v3.authkey', reason: 'unknown key (did you mean pdus[0].v3.authKey?)' },
      { key: 'pdus[1].hots', reason: 'unknown key (did you mean pdus[1].host?)' },
    ]);
    expect(error.message).toBe('config: mqtt.prot: unknown key (did you mean mqtt.port?) (and 6 more)');
    expect(error.lines()).toHaveLength(7);
    for (const line of error.lines()) expect(line).toMatch(/^config: \S+: unknown key/);
  });

  it('suggests the same key of another section when it is in the wrong one', () => {
    expect(fromFile({ mqtt: { pollInterval: 5 } }).issues).toEqual([
      { key: 'mqtt.pollInterval', reason: 'unknown key (did you mean snmp.pollInterval?)' },
    ]);
    expect(fromFile({ pdus: [{ id: 'a', host: 'h', version: '3', authKey: 'k' }] }).issues[0]).toEqual({
      key: 'pdus[0].authKey',
      reason: 'unknown key (did you mean pdus[0].v3.authKey?)',
    });
  });

  it('a dotted name for a nested key says how to nest it', () => {
    expect(fromFile({ 'mqtt.port': 1884, pdus: [{ id: 'a', host: 'h', 'v3.user': 'u' }] }).issues).toEqual([
      { key: 'mqtt.port', reason: 'unknown key (nest it: "mqtt": { "port": … })' },
      { key: 'pdus[0].v3.user', reason: 'unknown key (nest it: "v3": { "user": … })' },
    ]);
  });

  it('offers nothing when no key is close (a wrong guess is worse than none)', () => {
    const error = fromFile({ log: { lvl: 'debug' }, pdus: [{ id: 'a', host: 'h', ip: '10.0.0.1' }], zzz: 1 });
    expect(error.issues).toEqual([
      { key: 'log.lvl', reason: 'unknown key' },
      { key: 'pdus[0].ip', reason: 'unknown key' },
      { key: 'zzz', reason: 'unknown key' },
    ]);
  });

  it('comes first, and the values beside it are still checked', () => {
    const error = fromFile({
      http: { port: -1, prot: 1 },
      pdus: [{ id: 'a', host: 'h', port: 0, comunity: 'x' }],
    });
    expect(error.issues.map((i) => i.key)).toEqual([
      'http.prot',
      'pdus[0].comunity',
      'pdus[0].port',
      'http.port',
    ]);
  });

  it('in the overrides and in a PDU of the overrides too', () => {
    const error = configError(() =>
      loadConfig({
        env: {},
        overrides: { mqtt: { prot: 1 } as never, pdus: [{ id: 'a', host: 'h', comunity: 'x' } as never] },
      }),
    );
    expect(error.issues.map((i) => i.reason)).toEqual([
      'unknown key (did you mean mqtt.port?)',
      'unknown key (did you mean pdus[0].community?)',
    ]);
  });

  it('an unknown key is never quoted with its value (it may be a misspelt secret)', () => {
    const error = fromFile({
      mqtt: { pasword: 'Sekr3t-value' },
      pdus: [{ id: 'a', host: 'h', comunity: 'Sekr3t-value' }],
    });
    expect(error.lines().join('\n')).not.toContain('Sekr3t');
    expect(error.issues[0]).toEqual({
      key: 'mqtt.pasword',
      reason: 'unknown key (did you mean mqtt.password?)',
    });
  });
});

describe('closest', () => {
  it('counts a transposition as one step and ignores case', () => {
    expect(closest('prot', ['port', 'host'])).toBe('port');
    expect(closest('AUTHKEY', ['authKey', 'privKey'])).toBe('authKey');
  });

  it('keeps to close names: a third of the length, short names only by case', () => {
    expect(closest('lvl', ['level'])).toBeUndefined();
    expect(closest('ip', ['id'])).toBeUndefined();
    expect(closest('ID', ['id'])).toBe('id');
    expect(closest('timeouts', ['timeout'])).toBe('timeout');
    expect(closest('discoveryPrefix', ['baseTopic', 'bridgeId'])).toBeUndefined();
  });
});
