import { connectAsync } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { createCommands } from '../../bridge/commands.ts';
import { silentLogger } from '../../bridge/log.ts';
import { createEmbeddedBroker, type EmbeddedBroker } from '../../bridge/mqtt/broker.ts';
import { createMqttConsumer, type MqttConsumer } from '../../bridge/mqtt/consumer.ts';
import { freeTcpPort } from '../../support/ports.ts';
import { retained, watch } from '../helpers/mqtt-client.ts';
import { goodPoll, publishGoodPoll, sampleReading } from '../helpers/mqtt-sample.ts';

/** The embedded aedes: WebSocket for browsers, Mosquitto 2's loopback-unless-credentials rule, auth. */

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function broker(opts: Partial<Parameters<typeof createEmbeddedBroker>[0]> = {}) {
  const b: EmbeddedBroker = createEmbeddedBroker({ log: silentLogger, port: 0, ...opts });
  const address = await b.start();
  stops.push(() => b.stop());
  return address;
}

describe('embedded broker', () => {
  it('serves MQTT over TCP and WebSocket, on loopback by default', async () => {
    const { port, wsPort, host } = await broker({ wsPort: await freeTcpPort() });
    expect(host).toBe('127.0.0.1');
    const tcp = await connectAsync(`mqtt://127.0.0.1:${port}`, { protocolVersion: 4, reconnectPeriod: 0 });
    await tcp.publishAsync('t/x', 'hello', { qos: 1, retain: true });
    await tcp.endAsync();
    const ws = await connectAsync(`ws://127.0.0.1:${wsPort}/mqtt`, {
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    const got = new Promise<string>((ok) => ws.once('message', (_t, p) => ok(p.toString())));
    await ws.subscribeAsync('t/x');
    expect(await got).toBe('hello');
    await ws.endAsync();
  });

  it('has no WebSocket listener when wsPort is 0 (off, as R2M_MQTT_WS_PORT)', async () => {
    expect((await broker({ wsPort: 0 })).wsPort).toBeNull();
  });

  it('refuses to listen beyond loopback without credentials', async () => {
    const b = createEmbeddedBroker({ log: silentLogger, port: 0, host: '0.0.0.0' });
    await expect(b.start()).rejects.toThrow(/only with mqtt.username and mqtt.password set/);
  });

  it('requires the username and password once they are configured', async () => {
    const { port } = await broker({ host: '127.0.0.1', username: 'ha', password: 's3cret' });
    const url = `mqtt://127.0.0.1:${port}`;
    await expect(connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0 })).rejects.toThrow(
      /Bad username or password|Not authorized/i,
    );
    await expect(
      connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, username: 'ha', password: 'wrong' }),
    ).rejects.toThrow(/Bad username or password|Not authorized/i);
    const ok = await connectAsync(url, {
      protocolVersion: 4,
      reconnectPeriod: 0,
      username: 'ha',
      password: 's3cret',
    });
    expect(ok.connected).toBe(true);
    await ok.endAsync();
  });

  it('is started by the MQTT bridge when no broker URL is configured', async () => {
    const commands = createCommands({
      log: silentLogger,
      control: () => undefined,
      afterChange: async () => {},
    });
    const bridge: MqttConsumer = createMqttConsumer({
      log: silentLogger,
      mqtt: {
        url: '',
        port: 0,
        baseTopic: 'emb',
        discoveryPrefix: 'homeassistant',
        discovery: true,
        refreshInterval: 0,
        bridgeId: 'x',
      },
      pdus: [],
      commands,
    });
    await bridge.start();
    stops.push(() => bridge.stop());
    expect(bridge.connected).toBe(true);
  });
});

describe('embedded broker behind the bridge, with credentials', () => {
  it('the bridge connects with them and its state is readable with them', async () => {
    const { port } = await broker({ host: '127.0.0.1', username: 'u', password: 'p' });
    const url = `mqtt://127.0.0.1:${port}`;
    const commands = createCommands({
      log: silentLogger,
      control: () => undefined,
      afterChange: async () => {},
    });
    const bridge = createMqttConsumer({
      log: silentLogger,
      mqtt: {
        url,
        port,
        username: 'u',
        password: 'p',
        baseTopic: 'auth',
        discoveryPrefix: 'homeassistant',
        discovery: false,
        refreshInterval: 0,
        bridgeId: 'x',
      },
      pdus: [],
      commands,
    });
    await bridge.start();
    stops.push(() => bridge.stop());
    expect(bridge.connected).toBe(true);
    // A bridge with its own id has its own state topic (docs/mqtt.md).
    const state = await retained(`mqtt://u:p@127.0.0.1:${port}`, ['auth/bridge/x/state']);
    expect(state.get('auth/bridge/x/state')).toBe('online');
  });
});

describe('a broker that is not there yet', () => {
  it('does not hold the bridge back; the state reaches the broker once it is up', async () => {
    const port = await freeTcpPort();
    const url = `mqtt://127.0.0.1:${port}`;
    const commands = createCommands({
      log: silentLogger,
      control: () => undefined,
      afterChange: async () => {},
    });
    const bridge = createMqttConsumer({
      log: silentLogger,
      mqtt: {
        url,
        port,
        baseTopic: 'late',
        discoveryPrefix: 'homeassistant',
        discovery: true,
        refreshInterval: 3600,
        bridgeId: 'x',
      },
      pdus: [{ id: 'pdu1', allowSwitching: false, canWrite: true, protectedOutlets: [], maxNameLength: 64 }],
      commands,
      startWaitMs: 100,
    });
    await bridge.start();
    stops.push(() => bridge.stop());
    expect(bridge.connected).toBe(false);
    const r = sampleReading();
    publishGoodPoll(bridge, goodPoll([r], { durationMs: 5, requests: 3 }));

    await broker({ port });
    const w = await watch(url, ['late/pdu1/outlet/1', 'homeassistant/device/x_pdu1_outlet_1/config']);
    const state = await w.waitFor((m) => m.topic === 'late/pdu1/outlet/1', 20_000);
    expect(JSON.parse(state.payload).name).toBe('NAS');
    await w.waitFor((m) => m.topic.endsWith('/config'));
    await w.close();
    expect(bridge.connected).toBe(true);
  });
});
