import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, createBridge } from '../../bridge/controller.ts';
import { silentLogger } from '../../bridge/log.ts';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { loadConfig } from '../../config/load.ts';
import { type Watcher, watch } from '../helpers/mqtt-client.ts';

/**
 * The controller as `run` builds it, on the simulator: one poll reaches history, MQTT and HTTP alike,
 * and a rename from HTTP goes through the shared command module, the PDU, and a re-poll to MQTT.
 */
describe('the bridge controller on the simulated PX3-5892', () => {
  let agent: SimAgent;
  let bridge: Bridge;
  let dir: string;
  let base: string;
  let mqttUrl: string;
  let watcher: Watcher;

  beforeAll(async () => {
    agent = await startSimAgent({ model: { outlets: 36 } });
    dir = mkdtempSync(join(tmpdir(), 'r2m-bridge-'));
    const config = loadConfig({
      env: {},
      overrides: {
        pdus: [
          { id: 'lab', host: '127.0.0.1', port: agent.port, writeCommunity: 'private', pollInterval: 3600 },
        ],
        mqtt: { port: 0 },
        http: { port: 0, host: '127.0.0.1' },
        db: { path: join(dir, 'r2m.db') },
      },
    });
    bridge = createBridge({ config, log: silentLogger });
    await bridge.start();
    base = `http://127.0.0.1:${bridge.http!.port}`;
    mqttUrl = bridge.mqtt.url!;
    watcher = await watch(mqttUrl, ['raritan2mqtt/#']);
    await bridge.pollers[0]!.pollNow();
  });
  afterAll(async () => {
    await watcher?.close();
    await bridge?.stop();
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers one poll to history, MQTT and HTTP with the same values', async () => {
    const reading = bridge.pollers[0]!.last[0]!;
    const ports = (await (await fetch(`${base}/api/ports?pdu=lab`)).json()) as {
      ports: { outlet: number; power: number }[];
    };
    expect(ports.ports).toHaveLength(36);
    expect(ports.ports.map((p) => p.power)).toEqual(reading.outlets.map((o) => o.power));
    const m = await watcher.waitFor((x) => x.topic === 'raritan2mqtt/lab/outlet/7');
    expect(JSON.parse(m.payload).power).toBe(reading.outlets[6]!.power);
    expect(bridge.history.outlets('lab')).toHaveLength(36);
    const cards = bridge.history.cards('lab');
    expect(cards.outletsTotal).toBe(36);
  });

  it('renames through HTTP: the PDU has the name, MQTT publishes it after the re-poll', async () => {
    const res = await fetch(`${base}/api/update-port-name`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pdu: 'lab', port: 5, name: 'lab switch' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', data: { name: 'lab switch' } });
    expect(agent.model.outletName(1, 5)).toBe('lab switch');
    const m = await watcher.waitFor(
      (x) => x.topic === 'raritan2mqtt/lab/outlet/5' && JSON.parse(x.payload).name === 'lab switch',
    );
    expect(m.retain).toBe(false); // live delivery; the broker keeps it retained for late subscribers
  });

  it('exports bridge health in /metrics', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/^raritan2mqtt_mqtt_connected 1$/m);
    expect(text).toMatch(/^raritan_pdu_poll_requests\{pdu="lab"\} [1-9]\d*$/m);
  });
});
