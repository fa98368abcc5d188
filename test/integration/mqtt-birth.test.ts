import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommands } from '../../bridge/commands.ts';
import { silentLogger } from '../../bridge/log.ts';
import { createMqttConsumer, type MqttConsumer } from '../../bridge/mqtt/consumer.ts';
import { retained, watch } from '../helpers/mqtt-client.ts';
import { goodPoll, sampleReading } from '../helpers/mqtt-sample.ts';

/**
 * A burst of Home Assistant birth messages makes the bridge announce once, not once per message: what
 * a subscriber to the discovery and state topics sees, on the real bridge and its embedded broker.
 */

const BASE = 'births';
const PREFIX = 'habirth';
let bridge: MqttConsumer;
let url: string;

beforeAll(async () => {
  bridge = createMqttConsumer({
    log: silentLogger,
    mqtt: {
      url: '',
      port: 0,
      baseTopic: BASE,
      discoveryPrefix: PREFIX,
      discovery: true,
      refreshInterval: 3600,
      bridgeId: 'b',
    },
    pdus: [{ id: 'pdu1', allowSwitching: false, canWrite: false, protectedOutlets: [], maxNameLength: 64 }],
    commands: createCommands({ log: silentLogger, control: () => undefined, afterChange: async () => {} }),
  });
  await bridge.start();
  url = bridge.url ?? '';
  const r = sampleReading();
  bridge.publishAvailability('pdu1', true);
  bridge.publishPoll(goodPoll([r], { durationMs: 5, requests: 3 }));
}, 60_000);
afterAll(() => bridge?.stop());

describe("Home Assistant's birth messages", () => {
  it('200 in a burst: one republish of discovery and state', async () => {
    const filters = [`${PREFIX}/device/+/config`, `${BASE}/#`];
    // Everything the bridge published for the poll is retained before the births come.
    const wanted = [
      `${PREFIX}/device/b_pdu1_outlet_4/config`,
      `${BASE}/pdu1/outlet/4`,
      `${BASE}/pdu1/availability`,
    ];
    let before = await retained(url, filters);
    for (let i = 0; i < 200 && !wanted.every((t) => before.has(t)); i++) {
      await new Promise((r) => setTimeout(r, 50));
      before = await retained(url, filters);
    }
    expect(wanted.filter((t) => !before.has(t))).toEqual([]);
    const w = await watch(url, filters);
    await w.settle();
    const retainedSeen = w.seen.length;
    expect(retainedSeen).toBe(before.size);

    const ha = await connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, clientId: 'ha-births' });
    for (let i = 0; i < 200; i++) ha.publish(`${PREFIX}/status`, 'online', { qos: 0 });
    await ha.publishAsync(`${PREFIX}/status`, 'online', { qos: 1 });
    await ha.endAsync();

    // The republish: every topic once more, live (not retained).
    await w.waitFor((m) => !m.retain && m.topic === `${PREFIX}/device/b_pdu1_outlet_4/config`);
    await w.waitFor((m) => !m.retain && m.topic === `${BASE}/pdu1/outlet/4`);
    await w.settle();
    const live = w.seen.slice(retainedSeen);
    const perTopic = new Map<string, number>();
    for (const m of live) perTopic.set(m.topic, (perTopic.get(m.topic) ?? 0) + 1);
    expect(
      [...perTopic.values()].every((n) => n === 1),
      JSON.stringify([...perTopic]),
    ).toBe(true);
    expect(live.length).toBe(before.size);
    await w.close();
  });
});
