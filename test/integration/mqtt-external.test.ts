import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommands } from '../../bridge/commands.ts';
import type { Logger } from '../../bridge/log.ts';
import { silentLogger } from '../../bridge/log.ts';
import { createMqttBridge, type MqttBridge, type MqttBridgeOptions } from '../../bridge/mqtt/bridge.ts';
import type { PollResult } from '../../bridge/readings.ts';
import { type CapturedLog, captureLog, type LogEntry, WARN } from '../helpers/log-capture.ts';
import { hasMosquitto, type Mosquitto, mosquittoSkipMessage, startMosquitto } from '../helpers/mosquitto.ts';
import {
  hasMosquittoPasswd,
  hasOpenssl,
  makeCa,
  makePasswordFile,
  makeServerCert,
  mosquittoPasswdSkipMessage,
  opensslSkipMessage,
  readableByMosquitto,
  type TestCa,
  tlsListenerLines,
} from '../helpers/mosquitto-tls.ts';
import { retained } from '../helpers/mqtt-client.ts';
import { sampleReading } from '../helpers/mqtt-sample.ts';
import { freeTcpPort } from '../helpers/ports.ts';

/**
 * The bridge against an external Mosquitto 2 the way users run one (DESIGN.md §3, the issue: "an
 * external broker by URL (mqtt://, mqtts://, ws://; username/password; TLS CA)"): over TLS with a
 * private CA, with a password file and anonymous access off, and over WebSockets. A refused
 * connection must leave the bridge up (start() resolves, polling goes on) with a clear log line
 * that carries no secret. Each test has its own base topic; brokers and certificates are throwaway.
 */

const PASSWORD = 'pw-Right-7f3a9c';
const WRONG = 'pw-Wrong-91c2e4';
const commands = createCommands({ log: silentLogger, control: () => undefined, afterChange: async () => {} });
let seq = 0;
const bridges: MqttBridge[] = [];
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'r2m-external-'));
  dirs.push(dir);
  return dir;
}

afterAll(async () => {
  for (const b of bridges) await b.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function poll(): PollResult {
  return { ok: true, source: 'pdu1', time: Date.now(), units: [sampleReading()], durationMs: 1, requests: 1 };
}

async function startBridge(
  over: Partial<MqttBridgeOptions> & { url: string },
  log: Logger = silentLogger,
  startWaitMs = 10_000,
): Promise<{ bridge: MqttBridge; baseTopic: string }> {
  seq++;
  const baseTopic = `ext${seq}`;
  const bridge = createMqttBridge({
    log,
    mqtt: {
      port: 0,
      baseTopic,
      discoveryPrefix: `haext${seq}`,
      discovery: true,
      refreshInterval: 3600,
      bridgeId: 'r2m',
      ...over,
    },
    pdus: [{ id: 'pdu1', allowSwitching: false, maxNameLength: 64 }],
    commands,
    startWaitMs,
  });
  bridges.push(bridge);
  await bridge.start();
  return { bridge, baseTopic };
}

/** What a subscriber (with `options` to get in) finds retained once the bridge has published a poll. */
async function stateArrives(
  bridge: MqttBridge,
  baseTopic: string,
  url: string,
  options: Parameters<typeof retained>[2] = {},
): Promise<void> {
  expect(bridge.connected).toBe(true);
  bridge.publishPoll(poll());
  const deadline = Date.now() + 10_000;
  let got = new Map<string, string>();
  while (!got.has(`${baseTopic}/pdu1/outlet/4`) && Date.now() < deadline)
    got = await retained(url, [`${baseTopic}/#`], options);
  expect(got.get(`${baseTopic}/bridge/state`)).toBe('online');
  expect(got.get(`${baseTopic}/pdu1/availability`)).toBe('online');
  expect(JSON.parse(got.get(`${baseTopic}/pdu1`) ?? '{}')).toMatchObject({ serial: 'QV12345678' });
  expect(JSON.parse(got.get(`${baseTopic}/pdu1/outlet/4`) ?? '{}')).toHaveProperty('state');
}

/**
 * A refused bridge: start() resolved, not connected, one warning per attempt that says why (matching
 * `reason`; mqtt.js reports a TLS failure twice), a second attempt after the backoff (it keeps
 * trying), polls accepted, and no secret in any line.
 */
async function refusedAndStillUp(bridge: MqttBridge, cap: CapturedLog, reason: RegExp): Promise<void> {
  expect(bridge.connected).toBe(false);
  const isError = (e: LogEntry) => e.level === WARN && e.msg === 'MQTT connection error';
  const isRetry = (e: LogEntry) => e.msg === 'MQTT reconnect scheduled';
  await cap.waitFor(isRetry, 2);
  const attempts = cap.entries().filter((e) => isError(e) || isRetry(e));
  expect(attempts.slice(0, 4).map((e) => (isError(e) ? 'error' : 'retry'))).toEqual([
    'error',
    'retry',
    'error',
    'retry',
  ]);
  for (const e of attempts.filter(isError)) expect(String(e.err)).toMatch(reason);
  expect(() => bridge.publishPoll(poll())).not.toThrow();
  expect(bridge.connected).toBe(false);
  for (const line of cap.lines) {
    expect(line).not.toContain(PASSWORD);
    expect(line).not.toContain(WRONG);
  }
}

describe.skipIf(!hasMosquitto || !hasOpenssl)('external Mosquitto over TLS (mqtts://, a private CA)', () => {
  if (!hasMosquitto) it.skip(mosquittoSkipMessage, () => {});
  else if (!hasOpenssl) it.skip(opensslSkipMessage, () => {});
  let broker: Mosquitto;
  let ca: TestCa;
  let otherCa: TestCa;
  let url: string;

  beforeAll(async () => {
    const dir = tempDir();
    ca = makeCa(dir, 'ca');
    otherCa = makeCa(dir, 'other-ca');
    const cert = makeServerCert(dir, ca);
    readableByMosquitto(dir);
    broker = await startMosquitto({ listenerLines: tlsListenerLines(ca, cert) });
    url = `mqtts://localhost:${broker.port}`;
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('connects with the CA file and its retained state arrives', async () => {
    const cap = captureLog();
    const { bridge, baseTopic } = await startBridge(
      { url, ca: ca.caFile, username: 'r2m', password: PASSWORD },
      cap.log,
    );
    expect(bridge.url).toBe(`${url}`);
    await stateArrives(bridge, baseTopic, url, { ca: readFileSync(ca.caFile) });
    expect(cap.lines.join('')).not.toContain(PASSWORD);
  });

  it('also takes the CA as PEM text, and verifies 127.0.0.1 by its IP subjectAltName', async () => {
    const ipUrl = `mqtts://127.0.0.1:${broker.port}`;
    const { bridge, baseTopic } = await startBridge({ url: ipUrl, ca: readFileSync(ca.caFile, 'utf8') });
    await stateArrives(bridge, baseTopic, ipUrl, { ca: readFileSync(ca.caFile) });
  });

  it('without the CA the connection is refused, and the bridge stays up and says why', async () => {
    const cap = captureLog();
    const { bridge } = await startBridge({ url, username: 'r2m', password: PASSWORD }, cap.log, 500);
    await refusedAndStillUp(bridge, cap, /certificate/i);
  });

  it('with another CA the connection is refused too', async () => {
    const cap = captureLog();
    const { bridge } = await startBridge(
      { url, ca: otherCa.caFile, username: 'r2m', password: PASSWORD },
      cap.log,
      500,
    );
    await refusedAndStillUp(bridge, cap, /certificate/i);
  });
});

describe.skipIf(!hasMosquitto || !hasMosquittoPasswd)('external Mosquitto with a password file', () => {
  if (!hasMosquitto) it.skip(mosquittoSkipMessage, () => {});
  else if (!hasMosquittoPasswd) it.skip(mosquittoPasswdSkipMessage, () => {});
  let broker: Mosquitto;
  const auth = { username: 'r2m', password: PASSWORD };

  beforeAll(async () => {
    const dir = tempDir();
    const file = makePasswordFile(dir, 'r2m', PASSWORD);
    readableByMosquitto(dir);
    broker = await startMosquitto({ allowAnonymous: false, globalLines: [`password_file ${file}`] });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('the broker really refuses anonymous clients (so the next tests mean something)', async () => {
    await expect(retained(broker.url, ['#'])).rejects.toThrow(/Not authorized/i);
  });

  it('connects with the right username and password, and no log line holds the password', async () => {
    const cap = captureLog();
    const { bridge, baseTopic } = await startBridge({ url: broker.url, ...auth }, cap.log);
    await stateArrives(bridge, baseTopic, broker.url, auth);
    expect(cap.lines.join('')).not.toContain(PASSWORD);
  });

  it('takes credentials written in the URL, and never shows that password', async () => {
    const cap = captureLog();
    const withAuth = `mqtt://r2m:${PASSWORD}@127.0.0.1:${broker.port}`;
    const { bridge, baseTopic } = await startBridge({ url: withAuth }, cap.log);
    expect(bridge.url).not.toContain(PASSWORD);
    await stateArrives(bridge, baseTopic, broker.url, auth);
    expect(cap.lines.join('')).not.toContain(PASSWORD);
  });

  it('with a wrong password: refused, a clear warning, no password logged, the bridge stays up', async () => {
    const cap = captureLog();
    const { bridge } = await startBridge({ url: broker.url, username: 'r2m', password: WRONG }, cap.log, 500);
    await refusedAndStillUp(bridge, cap, /not authorized/i);
  });

  it('with a wrong password in the URL: refused, and the URL in the log is redacted', async () => {
    const cap = captureLog();
    const { bridge } = await startBridge(
      { url: `mqtt://r2m:${WRONG}@127.0.0.1:${broker.port}` },
      cap.log,
      500,
    );
    await refusedAndStillUp(bridge, cap, /not authorized/i);
    expect(bridge.url).not.toContain(WRONG);
  });
});

describe.skipIf(!hasMosquitto)('external Mosquitto over WebSockets (ws://)', () => {
  if (!hasMosquitto) it.skip(mosquittoSkipMessage, () => {});
  let broker: Mosquitto | undefined;
  let wsPort = 0;
  let unsupported = '';

  beforeAll(async () => {
    wsPort = await freeTcpPort();
    try {
      broker = await startMosquitto({ extraListeners: [{ port: wsPort, lines: ['protocol websockets'] }] });
    } catch (e) {
      unsupported = (e as Error).message;
    }
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('delivers retained state through a ws:// URL', async (ctx) => {
    if (!broker) {
      ctx.skip(`this mosquitto has no WebSocket listener (built without websockets?): ${unsupported}`);
      return;
    }
    const url = `ws://127.0.0.1:${wsPort}`;
    const { bridge, baseTopic } = await startBridge({ url });
    expect(bridge.url).toBe(`${url}/`);
    // Read over plain TCP: the state crossed the broker, not just the WebSocket connection.
    await stateArrives(bridge, baseTopic, broker.url);
    expect((await retained(url, [`${baseTopic}/pdu1`])).has(`${baseTopic}/pdu1`)).toBe(true);
  });
});
