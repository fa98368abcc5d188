import { randomUUID } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCommands } from '../../bridge/commands.ts';
import { silentLogger } from '../../bridge/log.ts';
import { createEmbeddedBroker } from '../../bridge/mqtt/broker.ts';
import {
  BRIDGE_USER,
  MAX_PACKET_BYTES,
  OTHERS_RETAINED_BYTES,
  othersMayPublish,
} from '../../bridge/mqtt/broker-rules.ts';
import { createMqttConsumer, type MqttConsumer } from '../../bridge/mqtt/consumer.ts';
import { captureLog } from '../helpers/log-capture.ts';
import { retained, watch } from '../helpers/mqtt-client.ts';
import { goodPoll, sampleReading } from '../helpers/mqtt-sample.ts';

/**
 * The embedded broker's rules (docs/security.md), against the real bridge on it: another client cannot
 * replace the bridge's retained state, availability or discovery (it is disconnected, as MQTT 3.1.1
 * lets a broker do), may send commands and Home Assistant's status, reads everything, and sends no
 * packet over 256 kB. What Home Assistant would see is checked on the retained topics.
 */

const BASE = 'rules';
const PREFIX = 'hadisc';
const captured = captureLog();
let bridge: MqttConsumer;
let url: string;

beforeAll(async () => {
  bridge = createMqttConsumer({
    log: captured.log,
    mqtt: {
      url: '',
      port: 0,
      baseTopic: BASE,
      discoveryPrefix: PREFIX,
      discovery: true,
      refreshInterval: 0,
      bridgeId: 'rules',
    },
    pdus: [{ id: 'pdu1', allowSwitching: false, canWrite: false, protectedOutlets: [], maxNameLength: 64 }],
    commands: createCommands({ log: silentLogger, control: () => undefined, afterChange: async () => {} }),
  });
  await bridge.start();
  url = bridge.url ?? '';
  const r = sampleReading();
  bridge.publishAvailability('pdu1', true);
  bridge.publishPoll(goodPoll([r], { durationMs: 5, requests: 3 }));
  const w = await watch(url, [`${PREFIX}/device/rules_pdu1_outlet_4/config`, `${BASE}/pdu1/outlet/4`]);
  await w.waitFor((m) => m.topic.endsWith('/config'));
  await w.waitFor((m) => m.topic.endsWith('/outlet/4'));
  await w.close();
}, 60_000);
afterAll(() => bridge?.stop());

const clients: MqttClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.endAsync(true).catch(() => undefined);
});

async function other(options: IClientOptions = {}): Promise<MqttClient> {
  const c = await connectAsync(url, {
    protocolVersion: 4,
    reconnectPeriod: 0,
    clientId: `other_${randomUUID().slice(0, 8)}`,
    ...options,
  });
  clients.push(c);
  return c;
}

/** Publishes as another client; resolves 'closed' when the broker drops the connection for it. */
async function publishAs(c: MqttClient, topic: string, payload: string | Buffer, retain = true) {
  const closed = new Promise<'closed'>((resolve) => c.once('close', () => resolve('closed')));
  const acked = c.publishAsync(topic, payload, { qos: 1, retain }).then(
    () => 'acked' as const,
    () => 'closed' as const,
  );
  return Promise.race([closed, acked]);
}

const STATE_TOPICS = [
  `${BASE}/pdu1/outlet/1`,
  `${BASE}/pdu1`,
  `${BASE}/pdu1/availability`,
  `${BASE}/bridge/state`,
  `${BASE}/bridge/response/outlet/rename`,
  `${PREFIX}/device/rules_pdu1_outlet_1/config`,
  `${PREFIX}/device/rules_pdu1/config`,
];

describe('another client of the embedded broker', () => {
  for (const topic of STATE_TOPICS) {
    it(`cannot replace ${topic.replace(`${BASE}/`, '<base>/').replace(`${PREFIX}/`, '<prefix>/')}`, async () => {
      const before = await retained(url, [topic]);
      const c = await other();
      expect(await publishAs(c, topic, '{"power":999999}')).toBe('closed');
      expect(await publishAs(await other(), topic, '')).toBe('closed'); // nor clear it
      expect(await retained(url, [topic])).toEqual(before);
    });
  }

  it('leaves the bridge online: what Home Assistant sees is the bridge’s', async () => {
    const seen = await retained(url, [`${BASE}/#`, `${PREFIX}/#`]);
    expect(seen.get(`${BASE}/bridge/state`)).toBe('online');
    expect(seen.get(`${BASE}/pdu1/availability`)).toBe('online');
    expect(JSON.parse(seen.get(`${BASE}/pdu1/outlet/1`) ?? '{}').power).toBe(10);
    expect(bridge.connected).toBe(true);
  });

  it('cannot leave a last will on the bridge’s state', async () => {
    const c = await other({
      clientId: 'will-writer',
      will: { topic: `${BASE}/bridge/state`, payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    c.stream.destroy(); // dies without a DISCONNECT: the broker would publish the will
    await captured.waitFor((e) => e.client === 'will-writer' && e.topic === `${BASE}/bridge/state`);
    expect((await retained(url, [`${BASE}/bridge/state`])).get(`${BASE}/bridge/state`)).toBe('online');
  });

  it('sends commands and requests, and gets the answer', async () => {
    const c = await other();
    const answer = new Promise<string>((resolve) => c.on('message', (_t, p) => resolve(p.toString())));
    await c.subscribeAsync(`${BASE}/bridge/response/outlet/rename`);
    const request = JSON.stringify({ pdu: 'nope', outlet: 1, name: 'x', transaction: 't1' });
    expect(await publishAs(c, `${BASE}/bridge/request/outlet/rename`, request, false)).toBe('acked');
    expect(JSON.parse(await answer)).toMatchObject({ status: 'error', transaction: 't1' });
    expect(await publishAs(c, `${BASE}/pdu1/outlet/1/name/set`, 'NAS 2', false)).toBe('acked');
    expect(await publishAs(c, `${BASE}/pdu1/outlet/1/set`, 'ON', false)).toBe('acked');
    expect(await publishAs(c, `${PREFIX}/status`, 'offline', false)).toBe('acked');
    expect(c.connected).toBe(true);
  });

  it('reads everything, and publishes freely outside the bridge’s topics', async () => {
    const c = await other();
    expect(await publishAs(c, 'nodered/rack/note', 'hello')).toBe('acked');
    const seen = await retained(url, ['#']);
    expect(seen.get('nodered/rack/note')).toBe('hello');
    expect(seen.get(`${BASE}/bridge/state`)).toBe('online');
  });

  it('is logged at debug with its client id when refused, and the broker goes on', async () => {
    const c = await other({ clientId: 'intruder-42' });
    expect(await publishAs(c, `${BASE}/pdu1`, 'x')).toBe('closed');
    const [line] = await captured.waitFor((e) => e.client === 'intruder-42' && e.topic === `${BASE}/pdu1`);
    expect(line?.level).toBe(20);
    expect((await other()).connected).toBe(true);
  });
});

describe('the message size limit', () => {
  it('takes a retained payload of 200 kB, refuses one over 256 kB', async () => {
    const c = await other();
    expect(await publishAs(c, 'big/ok', Buffer.alloc(200 * 1024, 97))).toBe('acked');
    expect(await publishAs(await other(), 'big/no', Buffer.alloc(MAX_PACKET_BYTES + 1, 97))).toBe('closed');
    const seen = await retained(url, ['big/#']);
    expect(seen.get('big/ok')?.length).toBe(200 * 1024);
    expect(seen.has('big/no')).toBe(false);
  });

  it('closes a connection as soon as a header announces 10 MB, before the body is buffered', async () => {
    const { port } = new URL(url);
    const socket = tcpConnect(Number(port), '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    // CONNECT (MQTT 3.1.1, client id "raw", clean session), then a PUBLISH announcing 10 MB.
    const id = Buffer.from('raw');
    const variable = Buffer.from([0, 4, 77, 81, 84, 84, 4, 2, 0, 30, 0, id.length]);
    socket.write(Buffer.concat([Buffer.from([0x10, variable.length + id.length]), variable, id]));
    const length = 10 * 1024 * 1024;
    const varint: number[] = [];
    for (let x = length; x > 0; x = Math.floor(x / 128)) varint.push((x % 128) | (x >= 128 ? 128 : 0));
    socket.write(
      Buffer.concat([Buffer.from([0x31, ...varint]), Buffer.from([0, 1, 120]), Buffer.alloc(1024)]),
    );
    // Only 1 kB of the 10 MB was sent: a broker that waited for the whole packet would keep it open.
    await closed;
    expect(socket.destroyed).toBe(true);
  });
});

describe('the retained budget of the other clients', () => {
  it('holds at 16 MB in all: a flood of retained messages under the size limit is cut off', async () => {
    const payload = Buffer.alloc(250 * 1024, 98);
    const outcomes: string[] = [];
    for (let i = 0; i < 80; i++) outcomes.push(await publishAs(await other(), `flood/${i}`, payload));
    const acked = outcomes.filter((o) => o === 'acked').length;
    expect(acked).toBeGreaterThan(50); // 64 fit, less what the earlier tests retained
    expect(acked).toBeLessThanOrEqual(OTHERS_RETAINED_BYTES / payload.length);
    expect(outcomes.slice(acked).every((o) => o === 'closed')).toBe(true);
    // The bridge's own retained state is not counted, and still published.
    const r = sampleReading({ names: ['after the flood', '', '', ''] });
    bridge.publishPoll(goodPoll([r], { durationMs: 5, requests: 3 }));
    const w = await watch(url, [`${BASE}/pdu1/outlet/1`]);
    await w.waitFor((m) => JSON.parse(m.payload).name === 'after the flood');
    await w.close();
    // Clearing a topic frees its share; replacing one reuses it.
    const c = await other();
    expect(await publishAs(c, 'flood/0', '')).toBe('acked');
    expect(await publishAs(c, 'flood/0', payload)).toBe('acked');
    expect(await publishAs(c, 'flood/1', payload)).toBe('acked');
    for (let i = 0; i < 80; i++) await publishAs(c, `flood/${i}`, '');
  });
});

describe('the bridge’s own connection', () => {
  it('cannot be impersonated: a wrong password for its user is refused', async () => {
    await expect(
      connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, username: BRIDGE_USER, password: 'guess' }),
    ).rejects.toThrow(/Bad username or password/i);
  });

  it('keeps its client id: another client taking it is refused, and the bridge stays connected', async () => {
    const broker = createEmbeddedBroker({
      log: silentLogger,
      port: 0,
      bridgeTopics: { baseTopic: 'b', discoveryPrefix: 'p' },
    });
    const { port } = await broker.start();
    const at = `mqtt://127.0.0.1:${port}`;
    try {
      const own = await connectAsync(at, {
        protocolVersion: 4,
        reconnectPeriod: 0,
        clientId: 'bridge_x1',
        ...broker.bridgeLogin,
      });
      await expect(
        connectAsync(at, { protocolVersion: 4, reconnectPeriod: 0, clientId: 'bridge_x1' }),
      ).rejects.toThrow(/Identifier rejected/i);
      expect(own.connected).toBe(true);
      expect(await publishAs(own, 'b/bridge/state', 'online')).toBe('acked');
      await own.endAsync();
    } finally {
      await broker.stop();
    }
  });

  it('is recognised with user credentials configured too: users keep theirs, wrong ones are refused', async () => {
    const broker = createEmbeddedBroker({
      log: silentLogger,
      port: 0,
      host: '127.0.0.1',
      username: 'ha',
      password: 'ha-secret-1',
      bridgeTopics: { baseTopic: 'b', discoveryPrefix: 'p' },
    });
    const { port } = await broker.start();
    const at = `mqtt://127.0.0.1:${port}`;
    const o = { protocolVersion: 4 as const, reconnectPeriod: 0 };
    try {
      const own = await connectAsync(at, { ...o, ...broker.bridgeLogin });
      expect(await publishAs(own, 'b/pdu1', '{}')).toBe('acked');
      const ha = await connectAsync(at, { ...o, username: 'ha', password: 'ha-secret-1' });
      expect(await publishAs(ha, 'p/status', 'online', false)).toBe('acked');
      expect(await publishAs(ha, 'b/pdu1', '{"forged":true}')).toBe('closed');
      await expect(connectAsync(at, { ...o, username: 'ha', password: 'wrong' })).rejects.toThrow(
        /Bad username/i,
      );
      await expect(connectAsync(at, o)).rejects.toThrow(/Bad username|Not authorized/i);
      await own.endAsync();
    } finally {
      await broker.stop();
    }
  });
});

describe('othersMayPublish', () => {
  const t = { baseTopic: 'r2m', discoveryPrefix: 'homeassistant' };
  it('allows the command topics and HA status, nothing else of the bridge’s', () => {
    for (const topic of [
      'r2m/pdu1/outlet/3/set',
      'r2m/pdu1/outlet/3/name/set',
      'r2m/bridge/request/outlet/rename',
      'homeassistant/status',
      'other/x',
      'r2mx/pdu1',
    ])
      expect(othersMayPublish(topic, t), topic).toBe(true);
    for (const topic of [
      'r2m',
      'r2m/pdu1',
      'r2m/pdu1/outlet/3',
      'r2m/pdu1/availability',
      'r2m/bridge/state',
      'r2m/bridge/response/outlet/rename',
      'r2m/pdu1/outlet/3/set/x',
      'homeassistant/device/x/config',
      'homeassistant/sensor/x/config',
      'homeassistant',
    ])
      expect(othersMayPublish(topic, t), topic).toBe(false);
  });
});
