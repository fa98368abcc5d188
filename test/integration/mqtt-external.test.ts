import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hasMosquitto,
  type Mosquitto,
  mosquittoSkipMessage,
  startMosquitto,
} from '../../support/mosquitto.ts';
import { freeTcpPort } from '../../support/ports.ts';
import {
  externalKit,
  PASSWORD,
  poll,
  refusedAndStillUp,
  stateArrives,
  WRONG,
} from '../helpers/external-bridge.ts';
import { captureLog, WARN } from '../helpers/log-capture.ts';
import {
  caAsDer,
  hasMosquittoPasswd,
  hasOpenssl,
  makeCa,
  makePasswordFile,
  makeServerCert,
  mosquittoPasswdSkipMessage,
  opensslSkipMessage,
  readableByMosquitto,
  type ServerCert,
  type TestCa,
  tlsListenerLines,
} from '../helpers/mosquitto-tls.ts';
import { retained, watch } from '../helpers/mqtt-client.ts';
import { sampleReading } from '../helpers/mqtt-sample.ts';

/**
 * The bridge against an external Mosquitto 2 the way users run one (an external broker by URL:
 * mqtt://, mqtts://, ws://; username/password; a TLS CA): over TLS with a
 * private CA, with a password file and anonymous access off, and over WebSockets. A refused
 * connection must leave the bridge up (start() resolves, polling goes on) with a clear log line
 * that carries no secret. Each test has its own base topic; brokers and certificates are throwaway.
 */

const kit = externalKit();
const { startBridge } = kit;
afterAll(() => kit.cleanup());

describe.skipIf(!hasMosquitto || !hasOpenssl)('external Mosquitto over TLS (mqtts://, a private CA)', () => {
  if (!hasMosquitto) it.skip(mosquittoSkipMessage, () => {});
  else if (!hasOpenssl) it.skip(opensslSkipMessage, () => {});
  let broker: Mosquitto;
  let ca: TestCa;
  let otherCa: TestCa;
  let cert: ServerCert;
  let url: string;

  beforeAll(async () => {
    const dir = kit.tempDir();
    ca = makeCa(dir, 'ca');
    otherCa = makeCa(dir, 'other-ca');
    cert = makeServerCert(dir, ca);
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

  it('a CA file that is not PEM (DER) is named in a warning instead of failing silently', async () => {
    const cap = captureLog();
    const der = caAsDer(kit.tempDir(), ca);
    const { bridge } = await startBridge({ url, ca: der, username: 'r2m', password: PASSWORD }, cap.log, 500);
    const [warning] = await cap.waitFor((e) => e.level === WARN && String(e.msg).startsWith('mqtt.ca'));
    expect(warning).toMatchObject({ ca: der });
    await refusedAndStillUp(bridge, cap, /certificate/i);
  });

  it('a CA file that cannot be read stops start() with a message naming mqtt.ca', async () => {
    const missing = `${kit.tempDir()}/gone.pem`;
    await expect(startBridge({ url, ca: missing })).rejects.toThrow(`mqtt.ca: cannot read ${missing}`);
  });

  it('wss://: the same CA on a TLS WebSocket listener', async (ctx) => {
    const wssPort = await freeTcpPort();
    let wss: Mosquitto;
    try {
      wss = await startMosquitto({
        extraListeners: [{ port: wssPort, lines: ['protocol websockets', ...tlsListenerLines(ca, cert)] }],
      });
    } catch (e) {
      ctx.skip(`this mosquitto has no TLS WebSocket listener: ${(e as Error).message}`);
      return;
    }
    try {
      const { bridge, baseTopic } = await startBridge({ url: `wss://localhost:${wssPort}`, ca: ca.caFile });
      await stateArrives(bridge, baseTopic, wss.url);
      await bridge.stop();
    } finally {
      await wss.stop();
    }
  });
});

describe.skipIf(!hasMosquitto || !hasMosquittoPasswd)('external Mosquitto with a password file', () => {
  if (!hasMosquitto) it.skip(mosquittoSkipMessage, () => {});
  else if (!hasMosquittoPasswd) it.skip(mosquittoPasswdSkipMessage, () => {});
  let broker: Mosquitto;
  const auth = { username: 'r2m', password: PASSWORD };

  beforeAll(async () => {
    const dir = kit.tempDir();
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

describe.skipIf(!hasMosquitto || !hasOpenssl || !hasMosquittoPasswd)(
  'external Mosquitto with TLS and a password file, through a broker restart',
  () => {
    if (!hasMosquitto) it.skip(mosquittoSkipMessage, () => {});
    else if (!hasOpenssl) it.skip(opensslSkipMessage, () => {});
    else if (!hasMosquittoPasswd) it.skip(mosquittoPasswdSkipMessage, () => {});

    it('reconnects with the same CA and credentials and republishes the state kept while away', async () => {
      const dir = kit.tempDir();
      const ca = makeCa(dir);
      const cert = makeServerCert(dir, ca);
      const file = makePasswordFile(dir, 'r2m', PASSWORD);
      readableByMosquitto(dir);
      const options = {
        allowAnonymous: false,
        globalLines: [`password_file ${file}`],
        listenerLines: tlsListenerLines(ca, cert),
      };
      let broker = await startMosquitto(options);
      const url = `mqtts://localhost:${broker.port}`;
      const auth = { username: 'r2m', password: PASSWORD };
      const client = { ...auth, ca: readFileSync(ca.caFile) };
      try {
        const cap = captureLog();
        const { bridge, baseTopic } = await startBridge({ url, ca: ca.caFile, ...auth }, cap.log);
        await stateArrives(bridge, baseTopic, url, client);
        await broker.stop();
        // The broker's exit reaches the client as a socket close, a moment later on a loaded machine.
        for (let i = 0; i < 200 && bridge.connected; i++) await new Promise((r) => setTimeout(r, 25));
        expect(bridge.connected).toBe(false);
        // Polling goes on while the broker is away (a fresh one comes back without retained state).
        const reading = sampleReading({ names: ['while away', '', '', ''] });
        bridge.publishPoll(poll([reading]));
        broker = await startMosquitto({ ...options, port: broker.port });
        const w = await watch(url, [`${baseTopic}/pdu1/outlet/1`], client);
        const state = await w.waitFor((m) => m.payload.includes('while away'), 20_000);
        await w.close();
        expect(JSON.parse(state.payload).name).toBe('while away');
        expect(bridge.connected).toBe(true);
        expect(cap.lines.join('')).not.toContain(PASSWORD);
      } finally {
        await broker.stop();
      }
    });
  },
);
