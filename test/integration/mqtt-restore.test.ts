import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, createBridge } from '../../bridge/controller.ts';
import { silentLogger } from '../../bridge/log.ts';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { loadConfig } from '../../config/load.ts';
import {
  hasMosquitto,
  type Mosquitto,
  mosquittoSkipMessage,
  startMosquitto,
} from '../../support/mosquitto.ts';
import { publishRetained, retained } from '../helpers/mqtt-client.ts';

/**
 * On an external broker anyone with access may publish anything. When another client overwrites one
 * of the bridge's own retained topics (its state, a PDU's availability, a discovery config), the bridge
 * puts its value back at once, so Home Assistant is not left with `offline` or a broken entity until
 * the bridge reconnects.
 */
describe.skipIf(!hasMosquitto)('restoring the bridge’s own retained topics (Mosquitto)', () => {
  let mosquitto: Mosquitto;
  let agent: SimAgent;
  let bridge: Bridge;
  let dir: string;

  beforeAll(async () => {
    mosquitto = await startMosquitto();
    agent = await startSimAgent({ model: { outlets: 4 } });
    dir = mkdtempSync(join(tmpdir(), 'r2m-restore-'));
    const config = loadConfig({
      env: {},
      overrides: {
        pdus: [{ id: 'lab', host: '127.0.0.1', port: agent.port, pollInterval: 3600 }],
        mqtt: { url: mosquitto.url, bridgeId: 'restore' },
        http: { port: 0, host: '127.0.0.1' },
        db: { path: join(dir, 'r2m.db') },
      },
    });
    bridge = createBridge({ config, log: silentLogger });
    await bridge.start();
    await bridge.pollers[0]!.pollNow();
  });
  afterAll(async () => {
    await bridge?.stop();
    await agent?.stop();
    await mosquitto?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Retained `topic` as a late subscriber gets it, once it equals `want` (or the wait runs out). */
  async function settlesTo(topic: string, want: (payload: string | undefined) => boolean) {
    let got: string | undefined;
    for (let i = 0; i < 100; i++) {
      got = (await retained(mosquitto.url, [topic])).get(topic);
      if (want(got)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return got;
  }

  it('puts back its availability, its bridge state and its discovery config', async () => {
    const config = 'homeassistant/device/restore_lab/config';
    const original = await settlesTo(config, (p) => p !== undefined);
    expect(JSON.parse(original ?? '{}')).toHaveProperty('components');
    await settlesTo('raritan2mqtt/lab/availability', (p) => p === 'online');

    await publishRetained(mosquitto.url, [
      ['raritan2mqtt/lab/availability', 'offline'],
      ['raritan2mqtt/bridge/restore/state', 'garbage'],
      [config, '{"broken":true}'],
    ]);

    expect(await settlesTo('raritan2mqtt/lab/availability', (p) => p === 'online')).toBe('online');
    expect(await settlesTo('raritan2mqtt/bridge/restore/state', (p) => p === 'online')).toBe('online');
    expect(await settlesTo(config, (p) => p === original)).toBe(original);
  });

  it('leaves alone what is not its own (another bridge’s PDU and state on the same base topic)', async () => {
    await publishRetained(mosquitto.url, [
      ['raritan2mqtt/other/availability', 'offline'],
      ['raritan2mqtt/bridge/state', 'offline'],
      ['raritan2mqtt/bridge/rack_b/state', 'offline'],
    ]);
    // Give the bridge every chance to (wrongly) react, then look.
    await bridge.pollers[0]!.pollNow();
    const got = await retained(mosquitto.url, ['raritan2mqtt/other/availability', 'raritan2mqtt/bridge/#']);
    expect(got.get('raritan2mqtt/other/availability')).toBe('offline');
    expect(got.get('raritan2mqtt/bridge/state')).toBe('offline');
    expect(got.get('raritan2mqtt/bridge/rack_b/state')).toBe('offline');
    expect(got.get('raritan2mqtt/bridge/restore/state')).toBe('online');
  });
});

if (!hasMosquitto) console.warn(mosquittoSkipMessage);
