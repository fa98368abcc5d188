import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, createBridge } from '../../bridge/controller.ts';
import type { PduJson } from '../../bridge/http/bodies.ts';
import { silentLogger } from '../../bridge/log.ts';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { loadConfig } from '../../config/load.ts';
import { type Watcher, watch } from '../helpers/mqtt-client.ts';

/**
 * Availability has one owner, the poller: a single lost poll (one unanswered UDP exchange) is not an
 * outage, and nothing — MQTT, history, the API — says offline until `snmp.offlineAfter` polls in a row
 * have failed. Checked as Home Assistant would see it: the stream of availability messages on the
 * real broker, beside what the history and the API say.
 */
describe('availability: the poller decides, every consumer follows', () => {
  let agent: SimAgent;
  let bridge: Bridge;
  let dir: string;
  let api: string;
  let watcher: Watcher;
  const availability = () =>
    watcher.seen.filter((m) => m.topic === 'raritan2mqtt/lab/availability').map((m) => m.payload);
  const status = async () =>
    ((await (await fetch(`${api}/api/current-status?pdu=lab`)).json()) as { pdus: PduJson[] }).pdus[0]!;
  const offlineSince = () =>
    bridge.history
      .db()
      .prepare<[], { offline_since: number | null }>("SELECT offline_since FROM pdu WHERE key = 'lab'")
      .get()?.offline_since ?? null;

  beforeAll(async () => {
    agent = await startSimAgent({ model: { outlets: 12 } });
    dir = mkdtempSync(join(tmpdir(), 'r2m-avail-'));
    const config = loadConfig({
      env: {},
      overrides: {
        // Polls only when the test asks (one start-up poll, then pollNow).
        pdus: [
          { id: 'lab', host: '127.0.0.1', port: agent.port, pollInterval: 3600, timeout: 200, retries: 0 },
        ],
        snmp: { offlineAfter: 3 },
        mqtt: { port: 0 },
        http: { port: 0, host: '127.0.0.1' },
        db: { path: join(dir, 'r2m.db') },
      },
    });
    bridge = createBridge({ config, log: silentLogger });
    await bridge.start();
    api = `http://127.0.0.1:${bridge.http!.port}`;
    await bridge.pollers[0]!.pollNow();
    watcher = await watch(bridge.mqtt.url!, ['raritan2mqtt/lab/availability']);
    await watcher.waitFor((m) => m.payload === 'online');
  });
  afterAll(async () => {
    await watcher?.close();
    await bridge?.stop();
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('one lost poll publishes nothing offline anywhere; the API calls the reading stale', async () => {
    const poller = bridge.pollers[0]!;
    agent.model.pause();
    const lost = await poller.pollNow();
    expect(lost.ok).toBe(false);
    expect(lost.online).toBe(true);
    const during = await status();
    expect(during.online).toBe(true);
    expect(during.stale).toBe(true);
    expect(during.last_poll?.ok).toBe(false);
    agent.model.resume();
    expect((await poller.pollNow()).ok).toBe(true);
    await watcher.settle();
    expect(availability()).not.toContain('offline');
    expect(offlineSince()).toBeNull();
    const after = await status();
    expect(after.online).toBe(true);
    expect(after.stale).toBe(false);
  });

  it('offlineAfter failures in a row: offline once on MQTT, in history and in the API; back online after', async () => {
    const poller = bridge.pollers[0]!;
    agent.model.pause();
    for (let i = 0; i < 2; i++) expect((await poller.pollNow()).online).toBe(true);
    await watcher.settle();
    expect(availability()).not.toContain('offline');
    const third = await poller.pollNow();
    expect(third.online).toBe(false);
    await watcher.waitFor((m) => m.payload === 'offline');
    expect(offlineSince()).toBe(Math.floor(third.time / 1000));
    expect((await status()).online).toBe(false);
    // Further failures change nothing: one `offline`, not one per poll.
    await poller.pollNow();
    await watcher.settle();
    expect(availability().filter((p) => p === 'offline')).toHaveLength(1);

    agent.model.resume();
    expect((await poller.pollNow()).ok).toBe(true);
    const deadline = Date.now() + 10_000;
    while (availability().at(-1) !== 'online' && Date.now() < deadline) await watcher.settle();
    expect(availability().slice(-2)).toEqual(['offline', 'online']);
    expect(offlineSince()).toBeNull();
    expect((await status()).online).toBe(true);
  });
});
