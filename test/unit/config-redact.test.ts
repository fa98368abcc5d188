import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { configDocMarkdown, configKeys } from '../../config/doc.ts';
import { loadConfig, REDACTED, redactConfig } from '../../config/load.ts';
import { configError } from './config-helpers.ts';

// Every secret the schema knows, each a distinct string so a leak of any one is caught.
const SECRETS = {
  community: 'secret-ro-community',
  writeCommunity: 'secret-rw-community',
  authKey: 'secret-auth-key',
  privKey: 'secret-priv-key',
  writeAuthKey: 'secret-write-auth',
  writePrivKey: 'secret-write-priv',
  mqttPassword: 'secret-mqtt-password',
  urlPassword: 'secret-url-password',
  token: 'secret-http-token',
  httpUser: 'secret-http-user',
  httpPassword: 'secret-http-password',
  trapCommunity: 'secret-trap-community',
};

const config = loadConfig({
  env: {
    R2M_MQTT_PASSWORD: SECRETS.mqttPassword,
    R2M_HTTP_TOKEN: SECRETS.token,
    R2M_SNMP_TRAP_COMMUNITY: SECRETS.trapCommunity,
  },
  overrides: {
    pdus: [
      { id: 'a', host: '10.0.0.1', community: SECRETS.community, writeCommunity: SECRETS.writeCommunity },
      {
        id: 'b',
        host: '10.0.0.2',
        version: '3',
        v3: {
          user: 'monitor',
          authKey: SECRETS.authKey,
          privKey: SECRETS.privKey,
          writeUser: 'admin',
          writeAuthKey: SECRETS.writeAuthKey,
          writePrivKey: SECRETS.writePrivKey,
        },
      },
    ],
    mqtt: { url: `mqtts://bridge:${SECRETS.urlPassword}@broker.lan:8883`, username: 'bridge' },
    http: { username: SECRETS.httpUser, password: SECRETS.httpPassword },
  },
});

function leaks(text: string): string[] {
  return Object.values(SECRETS).filter((secret) => text.includes(secret));
}

describe('redactConfig', () => {
  it('the loaded config really holds the secrets (so the checks below can fail)', () => {
    expect(leaks(JSON.stringify(config)).sort()).toEqual(Object.values(SECRETS).sort());
  });

  const redacted = redactConfig(config);

  it('replaces every secret and keeps the rest', () => {
    expect(leaks(JSON.stringify(redacted))).toEqual([]);
    expect(redacted.pdus[0]).toMatchObject({
      id: 'a',
      host: '10.0.0.1',
      community: REDACTED,
      writeCommunity: REDACTED,
    });
    expect(redacted.pdus[1]?.v3).toMatchObject({ user: 'monitor', authKey: REDACTED, privKey: REDACTED });
    expect(redacted.pdus[1]?.writeV3).toMatchObject({ user: 'admin', authKey: REDACTED, privKey: REDACTED });
    expect(redacted.mqtt.url).toBe('mqtts://bridge:%5Bredacted%5D@broker.lan:8883');
    expect(redacted.mqtt).toMatchObject({ username: 'bridge', password: REDACTED });
    expect(redacted.http).toMatchObject({ token: REDACTED, username: REDACTED, password: REDACTED });
  });

  it('leaves unset secrets null and does not touch the original', () => {
    const plain = redactConfig(loadConfig({ env: { R2M_PDU_HOST: 'h' } }));
    expect(plain.pdus[0]?.writeCommunity).toBeNull();
    expect(plain.http.token).toBeNull();
    expect(config.pdus[0]?.community).toBe(SECRETS.community);
  });

  it('a pino log line of the redacted config carries no secret', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    pino(sink).info({ config: redacted }, 'config loaded');
    expect(lines.join('')).toContain('config loaded');
    expect(lines.join('')).toContain('10.0.0.2');
    expect(leaks(lines.join(''))).toEqual([]);
  });

  it('error messages never quote a secret value', () => {
    const error = configError(() =>
      loadConfig({
        env: {},
        overrides: { pdus: [{ id: 'a', host: 'h', version: '3', v3: { user: 'u', authKey: 'short-s' } }] },
      }),
    );
    expect(error.message).toBe('config: pdus[0].v3.authKey: must be at least 8 characters');
  });
});

describe('config reference', () => {
  const keys = configKeys();

  it('documents every key with its env variable and hides secret defaults', () => {
    const byKey = new Map(keys.map((row) => [row.key, row]));
    expect(byKey.get('mqtt.port')).toMatchObject({ env: 'R2M_MQTT_PORT', default: '`1883`' });
    expect(byKey.get('pdus[].port')).toMatchObject({ default: '`161`' });
    expect(byKey.get('pdus[].community')).toMatchObject({ sensitive: true, default: '' });
    expect(byKey.get('pdus[].v3.authProtocol')?.allowed).toBe('"sha", "sha256"');
    for (const env of ['R2M_PDU_HOST', 'R2M_PDU_ID', 'R2M_POLL_INTERVAL', 'R2M_DB_PATH', 'R2M_LOG_LEVEL']) {
      expect(keys.some((row) => row.env === env)).toBe(true);
    }
    for (const row of keys) expect(row.doc.length).toBeGreaterThan(10);
  });

  it('renders one Markdown row per key and no default secret', () => {
    const markdown = configDocMarkdown();
    expect(markdown.trim().split('\n')).toHaveLength(keys.length + 2);
    expect(markdown).not.toContain('public');
  });
});

describe('the process logger', () => {
  it('censors every sensitive key of the schema, one and two levels down', async () => {
    const { Writable } = await import('node:stream');
    const { createLogger } = await import('../../bridge/log.ts');
    const { secretKeyNames } = await import('../../config/redact.ts');
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger('info', { pretty: false, destination: sink });
    const secrets = Object.fromEntries(secretKeyNames().map((k) => [k, `s3cret-${k}`]));
    log.info({ pdu: secrets, nested: { v3: secrets } }, 'a line with secrets');
    expect(secretKeyNames()).toEqual(
      expect.arrayContaining(['community', 'authKey', 'privKey', 'password', 'token']),
    );
    expect(lines.join('')).not.toContain('s3cret-');
    expect(lines.join('')).toContain('[redacted]');
  });
});
