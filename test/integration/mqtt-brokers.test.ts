import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Commands, createCommands } from '../../bridge/commands.ts';
import { silentLogger } from '../../bridge/log.ts';
import { createEmbeddedBroker, type EmbeddedBroker } from '../../bridge/mqtt/broker.ts';
import { createMqttConsumer, type MqttConsumer, type MqttOptions } from '../../bridge/mqtt/consumer.ts';
import { buildDiscovery } from '../../bridge/mqtt/discovery.ts';
import { topics } from '../../bridge/mqtt/topics.ts';
import type { PduReading, PollResult } from '../../bridge/readings.ts';
import { hasMosquitto, mosquittoSkipMessage, startMosquitto } from '../../support/mosquitto.ts';
import { freeTcpPort } from '../../support/ports.ts';
import { validateDiscovery } from '../helpers/ha-validator.ts';
import { publishRetained, retained, waitForRetained, watch } from '../helpers/mqtt-client.ts';
import { goodPoll, publishGoodPoll, sampleReading } from '../helpers/mqtt-sample.ts';

/**
 * The MQTT bridge against real brokers: the embedded aedes and Debian's Mosquitto 2, the same
 * scenarios on both. Each test uses its own base topic and discovery prefix, so retained state from
 * one test never leaks into another on the shared broker.
 */

interface Broker {
  url: string;
  /** Takes the broker away and brings a fresh one (no retained state) back on the same port. */
  restart(whileAway: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

async function aedesBroker(): Promise<Broker> {
  const port = await freeTcpPort();
  let broker: EmbeddedBroker = createEmbeddedBroker({ log: silentLogger, port });
  await broker.start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    async restart(whileAway) {
      await broker.stop();
      await whileAway();
      broker = createEmbeddedBroker({ log: silentLogger, port });
      await broker.start();
    },
    stop: () => broker.stop(),
  };
}

async function mosquittoBroker(): Promise<Broker> {
  let m = await startMosquitto();
  const port = m.port;
  return {
    url: m.url,
    async restart(whileAway) {
      await m.stop();
      await whileAway();
      m = await startMosquitto({ port });
    },
    stop: () => m.stop(),
  };
}

const noPdus: Commands = createCommands({
  log: silentLogger,
  control: () => undefined,
  afterChange: async () => {},
});
let seq = 0;

function poll(...units: PduReading[]): PollResult {
  return goodPoll(
    units.map((u) => ({ ...u, time: Date.now() })),
    { durationMs: 42, requests: 6 },
  );
}

const brokers: Array<[string, () => Promise<Broker>, boolean]> = [
  ['aedes', aedesBroker, true],
  ['mosquitto', mosquittoBroker, hasMosquitto],
];

for (const [name, start, available] of brokers) {
  describe.skipIf(!available)(`MQTT bridge on ${name}`, () => {
    if (!available) it.skip(mosquittoSkipMessage, () => {});
    let broker: Broker;
    const bridges: MqttConsumer[] = [];

    beforeAll(async () => {
      broker = await start();
    });
    afterAll(async () => {
      for (const b of bridges) await b.stop();
      await broker?.stop();
    });

    function options(over: Partial<MqttOptions> = {}): MqttOptions {
      seq++;
      return {
        url: broker.url,
        port: 0,
        baseTopic: `r2m${seq}`,
        discoveryPrefix: `ha${seq}`,
        discovery: true,
        refreshInterval: 3600,
        bridgeId: 'r2m',
        ...over,
      };
    }

    async function startBridge(mqtt: MqttOptions, allowSwitching = false): Promise<MqttConsumer> {
      const b = createMqttConsumer({
        log: silentLogger,
        mqtt,
        pdus: [{ id: 'pdu1', allowSwitching, canWrite: true, protectedOutlets: [], maxNameLength: 64 }],
        commands: noPdus,
      });
      bridges.push(b);
      await b.start();
      return b;
    }

    it('leaves retained state and valid discovery that a late subscriber gets', async () => {
      const o = options();
      const w = await watch(broker.url, [`${o.baseTopic}/#`, `${o.discoveryPrefix}/#`]);
      const b = await startBridge(o, true);
      publishGoodPoll(b, poll(sampleReading()));
      await w.waitFor((m) => m.topic === `${o.discoveryPrefix}/device/r2m_pdu1_outlet_4/config`);
      await w.waitFor((m) => m.topic === `${o.baseTopic}/pdu1/outlet/4`);
      await w.close();

      const late = await retained(broker.url, [`${o.baseTopic}/#`, `${o.discoveryPrefix}/#`]);
      expect(late.get(topics(o).bridgeState)).toBe('online');
      expect(late.get(`${o.baseTopic}/pdu1/availability`)).toBe('online');
      const pdu = JSON.parse(late.get(`${o.baseTopic}/pdu1`) ?? '{}');
      expect(Object.keys(pdu)).toEqual([
        'name',
        'model',
        'serial',
        'firmware',
        'power',
        'apparent_power',
        'current',
        'voltage',
        'power_factor',
        'frequency',
        'energy',
        'outlets_on',
        'alarms',
      ]);
      expect(pdu).toMatchObject({ model: 'PX3-5892', serial: 'QV12345678', frequency: 50, outlets_on: 3 });
      const outlet2 = JSON.parse(late.get(`${o.baseTopic}/pdu1/outlet/2`) ?? '{}');
      expect(outlet2).toEqual({
        name: '',
        label: '2',
        state: 'on',
        power: 0,
        apparent_power: 0,
        current: 0,
        voltage: 229,
        power_factor: null,
        energy: 3,
        alarms: {},
      });

      const configs = new Map<string, unknown>();
      const states = new Map<string, string>();
      for (const [topic, payload] of late) {
        if (topic.startsWith(`${o.discoveryPrefix}/`)) configs.set(topic, JSON.parse(payload));
        else states.set(topic, payload);
      }
      expect(configs.size).toBe(5);
      expect(validateDiscovery({ discoveryPrefix: o.discoveryPrefix, configs, states })).toEqual([]);
    });

    it('publishes only what changed, and everything again at the refresh interval', async () => {
      const o = options();
      const b = await startBridge(o);
      const w = await watch(broker.url, [`${o.baseTopic}/pdu1/outlet/+`]);
      const r = sampleReading();
      b.publishPoll(poll(r));
      await w.waitFor((m) => m.topic.endsWith('/outlet/4') && !m.retain);
      const changed = structuredClone(r);
      const outlet1 = changed.outlets[0];
      if (!outlet1) throw new Error('no outlet 1');
      outlet1.power = 99;
      b.publishPoll(poll(changed));
      await w.waitFor((m) => m.topic.endsWith('/outlet/1') && m.payload.includes('"power":99'));
      await w.settle();
      const count = (n: number) =>
        w.seen.filter((m) => m.topic === `${o.baseTopic}/pdu1/outlet/${n}` && !m.retain).length;
      expect(count(1)).toBe(2);
      expect(count(2)).toBe(1);
      await w.close();

      const r2 = options({ refreshInterval: 0 });
      const refreshing = await startBridge(r2);
      const w2 = await watch(broker.url, [`${r2.baseTopic}/pdu1/outlet/2`]);
      refreshing.publishPoll(poll(r));
      await w2.waitFor((m) => !m.retain);
      refreshing.publishPoll(poll(r));
      await w2.settle();
      expect(w2.seen.filter((m) => !m.retain).length).toBe(2);
      await w2.close();
    });

    it('publishes offline on stop, and the last will fires when the bridge is killed', async () => {
      const o = options();
      const b = await startBridge(o);
      await b.stop();
      expect((await retained(broker.url, [topics(o).bridgeState])).get(topics(o).bridgeState)).toBe(
        'offline',
      );

      const k = options();
      const w = await watch(broker.url, [topics(k).bridgeState]);
      const root = resolve(import.meta.dirname, '../..');
      const code = `
        import { createMqttConsumer } from '${root}/bridge/mqtt/consumer.ts';
        import { createCommands } from '${root}/bridge/commands.ts';
        import { silentLogger as log } from '${root}/bridge/log.ts';
        const commands = createCommands({ log, control: () => undefined, afterChange: async () => {} });
        const b = createMqttConsumer({ log, mqtt: ${JSON.stringify(k)}, pdus: [], commands });
        await b.start();
        process.stdout.write(b.connected ? 'ready\\n' : 'not connected\\n');
        setInterval(() => {}, 1000);`;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        const first = await new Promise<string>((ok) =>
          child.stdout.once('data', (d: Buffer) => ok(d.toString())),
        );
        expect(first).toBe('ready\n');
        await w.waitFor((m) => m.payload === 'online');
        child.kill('SIGKILL');
        const will = await w.waitFor((m) => m.payload === 'offline');
        expect(will.topic).toBe(topics(k).bridgeState);
      } finally {
        child.kill('SIGKILL');
        await w.close();
      }
      expect((await retained(broker.url, [topics(k).bridgeState])).get(topics(k).bridgeState)).toBe(
        'offline',
      );
    });

    it("re-announces discovery and state on Home Assistant's birth message", async () => {
      const o = options();
      const b = await startBridge(o);
      publishGoodPoll(b, poll(sampleReading()));
      const filters = [`${o.discoveryPrefix}/device/+/config`, `${o.baseTopic}/pdu1/outlet/3`];
      await waitForRetained(broker.url, filters, 6);
      const w = await watch(broker.url, filters);
      await w.settle();
      const before = w.seen.length;
      expect(w.seen.filter((m) => m.retain).length).toBe(6); // 5 configs + outlet 3, as retained
      await w.client.publishAsync(`${o.discoveryPrefix}/status`, 'online');
      await w.waitFor((m) => !m.retain && m.topic === `${o.baseTopic}/pdu1/outlet/3`);
      await w.waitFor((m) => !m.retain && m.topic === `${o.discoveryPrefix}/device/r2m_pdu1_outlet_4/config`);
      await w.settle();
      expect(w.seen.length - before).toBe(6);
      await w.close();
    });

    it('clears retained configs it no longer owns, and nobody else’s', async () => {
      const o = options();
      const d = {
        ...o,
        swVersion: '0',
        allowSwitching: true,
        canWrite: true,
        protectedOutlets: new Set<number>(),
        maxNameLength: 64,
      };
      const old = buildDiscovery(sampleReading({ id: 'old', serial: 'OLD1', outlets: 2 }), d);
      const six = buildDiscovery(sampleReading({ id: 'pdu1', outlets: 6 }), d);
      const foreign = buildDiscovery(sampleReading({ id: 'pdu1', serial: 'F1', outlets: 1 }), {
        ...d,
        bridgeId: 'other',
      });
      await publishRetained(broker.url, [
        ...[...old, ...six, ...foreign].map((m) => [m.topic, JSON.stringify(m.payload)] as [string, string]),
        [`${o.baseTopic}/old`, '{"power":1}'],
        [`${o.baseTopic}/pdu1/outlet/6`, '{"power":1}'],
      ]);
      const b = await startBridge(o, false);
      b.publishPoll(poll(sampleReading({ outlets: 4 })));
      const w = await watch(broker.url, [`${o.discoveryPrefix}/#`]);
      await w.waitFor(
        (m) =>
          m.topic.endsWith('r2m_pdu1_outlet_4/config') &&
          m.payload.includes('"switch":{"platform":"switch"}'),
      );
      await w.close();

      const after = await retained(broker.url, [`${o.discoveryPrefix}/#`, `${o.baseTopic}/#`]);
      const ids = [...after.keys()].filter((t) => t.startsWith(`${o.discoveryPrefix}/`)).sort();
      expect(ids).toEqual(
        [
          'other_pdu1',
          'other_pdu1_outlet_1',
          'r2m_pdu1',
          'r2m_pdu1_outlet_1',
          'r2m_pdu1_outlet_2',
          'r2m_pdu1_outlet_3',
          'r2m_pdu1_outlet_4',
        ]
          .map((id) => `${o.discoveryPrefix}/device/${id}/config`)
          .sort(),
      );
      expect(after.has(`${o.baseTopic}/old`)).toBe(false);
      expect(after.has(`${o.baseTopic}/pdu1/outlet/6`)).toBe(false);
      // switching is off now: the switch and button of the earlier run are removed, not orphaned
      const outlet1 = JSON.parse(after.get(`${o.discoveryPrefix}/device/r2m_pdu1_outlet_1/config`) ?? '{}');
      expect(outlet1.components.switch).toEqual({ platform: 'switch' });
      expect(outlet1.components.cycle).toEqual({ platform: 'button' });
    });

    it('keeps its state while the broker is away and republishes it when the broker is back', async () => {
      const o = options();
      const b = await startBridge(o);
      publishGoodPoll(b, poll(sampleReading()));
      await (await watch(broker.url, [`${o.baseTopic}/pdu1/outlet/4`])).waitFor(() => true);
      const changed = sampleReading({ names: ['while away', '', '', ''] });
      await broker.restart(async () => {
        await new Promise((r) => setTimeout(r, 200));
        b.publishPoll(poll(changed));
        b.publishAvailability('pdu1', true);
      });
      const w = await watch(broker.url, [
        `${o.baseTopic}/pdu1/outlet/1`,
        `${o.discoveryPrefix}/device/r2m_pdu1_outlet_1/config`,
      ]);
      const state = await w.waitFor((m) => m.topic.endsWith('/outlet/1'), 20_000);
      expect(JSON.parse(state.payload).name).toBe('while away');
      const config = await w.waitFor((m) => m.topic.endsWith('/config'));
      // The outlet device carries its PDU's name (here none: its id) before the outlet's.
      expect(JSON.parse(config.payload).device.name).toBe('pdu1: while away');
      await w.close();
      expect(b.connected).toBe(true);
    });
  });
}
