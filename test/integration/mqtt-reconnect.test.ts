import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommands } from '../../bridge/commands.ts';
import { createMqttConsumer, type MqttConsumer } from '../../bridge/mqtt/consumer.ts';
import {
  hasMosquitto,
  type Mosquitto,
  mosquittoSkipMessage,
  startMosquitto,
} from '../../support/mosquitto.ts';
import { captureLog } from '../helpers/log-capture.ts';
import { watch } from '../helpers/mqtt-client.ts';
import { goodPoll, sampleReading } from '../helpers/mqtt-sample.ts';

if (!hasMosquitto) console.warn(mosquittoSkipMessage);

/**
 * A broker that goes away for a while and comes back (a real Mosquitto, stopped and started on the
 * same port, fresh: no retained state): the bridge finds it within a few seconds and republishes all
 * of its state. The wait is long enough for five failed reconnects, where the old 60 s cap was waiting
 * 16 s (±20%) before the next one; the budget after the return is less than that.
 */
describe.skipIf(!hasMosquitto)('reconnecting to a broker that is back', () => {
  const captured = captureLog('debug');
  let broker: Mosquitto;
  let bridge: MqttConsumer;

  beforeAll(async () => {
    broker = await startMosquitto();
    bridge = createMqttConsumer({
      log: captured.log,
      mqtt: {
        url: broker.url,
        port: 0,
        baseTopic: 'back',
        discoveryPrefix: 'haback',
        discovery: true,
        refreshInterval: 3600,
        bridgeId: 'back',
      },
      pdus: [{ id: 'pdu1', allowSwitching: false, canWrite: false, protectedOutlets: [], maxNameLength: 64 }],
      commands: createCommands({ log: captured.log, control: () => undefined, afterChange: async () => {} }),
    });
    await bridge.start();
    const r = sampleReading();
    bridge.publishAvailability('pdu1', true);
    bridge.publishPoll(goodPoll([r], { durationMs: 5, requests: 3 }));
  });
  afterAll(async () => {
    await bridge?.stop();
    await broker?.stop();
  });

  it('republishes its state within a few seconds of the return, after a long absence', async () => {
    const first = await watch(broker.url, ['back/pdu1/outlet/1']);
    await first.waitFor(() => true);
    await first.close();

    const port = broker.port;
    await broker.stop();
    const scheduled = (e: { msg?: string }) => e.msg === 'MQTT reconnect scheduled';
    const before = captured.entries().filter(scheduled).length;
    // Five reconnects fail while it is away (1 + 2 + 4 + 5 s, ±20%).
    await captured.waitFor(scheduled, before + 5, 40_000);
    expect(bridge.connected).toBe(false);
    const delays = captured
      .entries()
      .filter(scheduled)
      .map((e) => Number(e.delayMs));
    expect(Math.max(...delays)).toBeLessThanOrEqual(6000);

    broker = await startMosquitto({ port });
    const w = await watch(broker.url, ['back/pdu1/outlet/1', 'back/bridge/state']);
    const state = await w.waitFor((m) => m.topic === 'back/pdu1/outlet/1', 9000);
    expect(JSON.parse(state.payload).name).toBe('NAS');
    await w.waitFor((m) => m.topic === 'back/bridge/state' && m.payload === 'online');
    await w.close();
    expect(bridge.connected).toBe(true);
  }, 60_000);
});
