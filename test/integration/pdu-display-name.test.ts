import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, createBridge } from '../../bridge/controller.ts';
import type { CurrentStatusJson } from '../../bridge/http/bodies.ts';
import { silentLogger } from '../../bridge/log.ts';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { loadConfig } from '../../config/load.ts';
import { freeUdpPort } from '../../support/ports.ts';
import { type Watcher, watch } from '../helpers/mqtt-client.ts';

/**
 * The configured display name (`pdus[].name`) wins over the PDU's own name everywhere a PDU's name is
 * shown: the API, the live stream, the MQTT PDU payload and the Home Assistant device. A configured PDU
 * that never answered is still shown by that name and its address, with empty series (not 400s).
 */
describe('pdus[].name and a PDU that never answered', () => {
  let agent: SimAgent;
  let bridge: Bridge;
  let dir: string;
  let base: string;
  let silentPort: number;
  let watcher: Watcher;

  beforeAll(async () => {
    agent = await startSimAgent({ model: { outlets: 8 } });
    agent.model.setPduName(1, 'px3-own-name');
    silentPort = await freeUdpPort();
    dir = mkdtempSync(join(tmpdir(), 'r2m-name-'));
    const config = loadConfig({
      env: {},
      overrides: {
        pdus: [
          { id: 'lab', name: 'Lab rack', host: '127.0.0.1', port: agent.port, pollInterval: 3600 },
          {
            id: 'rack-b',
            name: 'Rack B',
            host: '127.0.0.1',
            port: silentPort,
            pollInterval: 3600,
            timeout: 300,
            retries: 0,
          },
        ],
        mqtt: { port: 0 },
        http: { port: 0, host: '127.0.0.1' },
        db: { path: join(dir, 'r2m.db') },
      },
    });
    bridge = createBridge({ config, log: silentLogger });
    await bridge.start();
    base = `http://127.0.0.1:${bridge.http!.port}`;
    watcher = await watch(bridge.mqtt.url!, ['raritan2mqtt/lab', 'homeassistant/device/#']);
    // The start-up poll, not one more: the cards' first recorded poll is the reading's (below).
    await Promise.all(bridge.pollers.map((p) => p.inFlight ?? p.pollNow()));
  });
  afterAll(async () => {
    await watcher?.close();
    await bridge?.stop();
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const status = async () => (await (await fetch(`${base}/api/current-status`)).json()) as CurrentStatusJson;

  it('the API names each PDU by its configured name, and gives its address', async () => {
    const s = await status();
    expect(s.pdus.map((p) => [p.id, p.name, p.address])).toEqual([
      ['lab', 'Lab rack', `127.0.0.1:${agent.port}`],
      ['rack-b', 'Rack B', `127.0.0.1:${silentPort}`],
    ]);
  });

  it('the MQTT PDU payload and the Home Assistant device carry the configured name', async () => {
    const payload = await watcher.waitFor((m) => m.topic === 'raritan2mqtt/lab');
    expect(JSON.parse(payload.payload).name).toBe('Lab rack');
    // The PDU's own device config (node id <bridgeId>_<pdu>), not an outlet's nor the bridge's.
    const device = await watcher.waitFor(
      (m) => m.topic === 'homeassistant/device/raritan2mqtt_lab/config' && m.payload !== '',
    );
    expect(JSON.parse(device.payload).device.name).toBe('Lab rack');
    // Nothing the bridge published names the PDU by its own name any more.
    expect(watcher.seen.filter((m) => m.payload.includes('px3-own-name'))).toEqual([]);
  });

  it('the cards give the first recorded poll and each outlet its energy today and this month', async () => {
    const lab = (await status()).pdus.find((p) => p.id === 'lab');
    // The history keeps whole seconds.
    expect(lab?.since).toBe(Math.floor((lab?.time ?? 0) / 1000) * 1000);
    expect(lab?.outlet_energy?.map((o) => o.outlet)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const o of lab?.outlet_energy ?? []) expect(o.month_kwh).toBeGreaterThanOrEqual(o.today_kwh);
  });

  it('a PDU that never answered: no reading, its last error, no outlets', async () => {
    const b = (await status()).pdus.find((p) => p.id === 'rack-b');
    expect(b).toMatchObject({
      time: null,
      outlets: [],
      outlets_on: 0,
      today: null,
      sparkline: null,
      outlet_energy: null,
      since: null,
    });
    expect(b?.online).not.toBe(true);
    expect(b?.last_poll?.ok).toBe(false);
    expect(b?.last_poll?.error).toMatch(/\S/);
  });

  it('its series are empty (200), not "unknown pdu"; a PDU not configured still is a 400', async () => {
    for (const kind of ['power', 'energy']) {
      const r = await fetch(`${base}/api/${kind}-data?pdu=rack-b&period=day&view=ports`);
      expect(r.status, kind).toBe(200);
      const body = (await r.json()) as { pdu: string; lines: unknown[]; times: number[] };
      expect(body.pdu).toBe('rack-b');
      expect(body.lines).toEqual([]);
      expect(body.times.length).toBeGreaterThan(0);
    }
    const csv = await fetch(`${base}/api/export-data?pdu=rack-b&period=day`);
    expect(csv.status).toBe(200);
    expect((await csv.text()).trim().split('\n')).toHaveLength(1);
    const unknown = await fetch(`${base}/api/power-data?pdu=nope&period=day`);
    expect(unknown.status).toBe(400);
  });

  it('the live stream starts with the whole current status', async () => {
    const ac = new AbortController();
    const r = await fetch(`${base}/api/events`, { signal: ac.signal });
    const reader = r.body!.getReader();
    let text = '';
    while (!/event: reading\ndata: .*\n\n/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    ac.abort();
    const data = JSON.parse(/event: reading\ndata: (.*)\n\n/.exec(text)![1]!) as CurrentStatusJson;
    expect(data).toMatchObject({ demo: false, auth: 'local' });
    expect(data.pdus.map((p) => p.name)).toEqual(['Lab rack', 'Rack B']);
  });
});
