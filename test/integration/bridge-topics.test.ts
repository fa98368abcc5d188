import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, createBridge } from '../../bridge/controller.ts';
import { EVENT_TYPES } from '../../bridge/facts/events.ts';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { VERSION } from '../../bridge/version.ts';
import { loadConfig } from '../../config/load.ts';
import { validateDiscovery } from '../helpers/ha-validator.ts';
import { captureLog } from '../helpers/log-capture.ts';
import { retained, type Watcher, watch } from '../helpers/mqtt-client.ts';

/**
 * The bridge's own topics as zigbee2mqtt has them (docs/mqtt.md, "The bridge's own topics"), seen
 * from a client of the embedded broker while the bridge polls the simulated PDU: bridge/info and
 * bridge/health retained, bridge/event not retained and told from what the polls observe, the
 * health_check, options and poll_now requests answered with their transaction, and the bridge's own
 * Home Assistant device accepted by the validator.
 */

const BASE = 'raritan2mqtt';
const ROOT = `${BASE}/bridge`;
const WRITE = 'private';

describe("the bridge's own topics on the simulated PDU", () => {
  let agent: SimAgent;
  let bridge: Bridge;
  let dir: string;
  let url: string;
  let w: Watcher;
  const logs = captureLog('info');

  const json = (payload: string) => JSON.parse(payload) as Record<string, unknown>;
  /** The first message on `topic` from now on matching `pred`. */
  const next = (topic: string, pred: (p: Record<string, unknown>) => boolean = () => true) => {
    const from = w.seen.length;
    // Generous: on a loaded 2-core machine (a browser test beside it) a command and its re-poll take a while.
    return w.waitFor((m) => w.seen.indexOf(m) >= from && m.topic === topic && pred(json(m.payload)), 30_000);
  };
  async function request(action: string, body: string): Promise<Record<string, unknown>> {
    const reply = next(`${ROOT}/response/${action}`);
    await w.client.publishAsync(`${ROOT}/request/${action}`, body, { qos: 1 });
    return json((await reply).payload);
  }

  beforeAll(async () => {
    agent = await startSimAgent({ model: { outlets: 8, seed: 3 } });
    dir = mkdtempSync(join(tmpdir(), 'r2m-topics-'));
    const config = loadConfig({
      env: {},
      overrides: {
        pdus: [
          {
            id: 'lab',
            host: '127.0.0.1',
            port: agent.port,
            writeCommunity: WRITE,
            allowSwitching: true,
            pollInterval: 3600,
          },
        ],
        snmp: { timeout: 200, retries: 0, offlineAfter: 1 },
        mqtt: { port: 0 },
        http: { port: 0, host: '127.0.0.1' },
        db: { path: join(dir, 'r2m.db') },
      },
    });
    bridge = createBridge({ config, log: logs.log });
    await bridge.start();
    url = bridge.mqtt.url!;
    w = await watch(url, [`${BASE}/#`]);
    await bridge.pollers[0]!.pollNow();
    await w.waitFor((m) => m.topic === `${BASE}/lab/outlet/1`);
  });
  afterAll(async () => {
    await w?.close();
    await bridge?.stop();
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps bridge/info retained: version, the PDU, the config without a secret, the log level', async () => {
    // Rebuilt a moment after the poll: wait for the one that has the PDU.
    const hasOutlets = (p: Record<string, unknown>) =>
      (p.pdus as { outlets: number }[]).some((x) => x.outlets > 0);
    await w.waitFor((m) => m.topic === `${ROOT}/info` && hasOutlets(json(m.payload)));
    const info = json((await retained(url, [`${ROOT}/info`])).get(`${ROOT}/info`)!);
    expect(info).toMatchObject({ version: VERSION, bridge_id: BASE, log_level: 'info' });
    expect(info.pdus).toEqual([
      expect.objectContaining({ id: 'lab', source: 'lab', outlets: 8, model: expect.any(String) }),
    ]);
    const pdu = (info.pdus as { serial: string; mac: string }[])[0]!;
    expect(pdu.serial).toBe(agent.model.identity(1).serial);
    expect(pdu.mac).toBe(agent.model.identity(1).mac);
    const config = info.config as { pdus: { writeCommunity: string; community: string }[] };
    expect(config.pdus[0]).toMatchObject({ writeCommunity: '[redacted]', community: '[redacted]' });
    expect(JSON.stringify(info)).not.toContain(`"${WRITE}"`);
  });

  it('keeps bridge/health retained: uptime, memory, the PDU polls', async () => {
    await w.waitFor((m) => m.topic === `${ROOT}/health`);
    const health = json((await retained(url, [`${ROOT}/health`])).get(`${ROOT}/health`)!);
    expect(health).toMatchObject({ mqtt: { connected: true }, traps: null });
    expect(health.uptime_s).toEqual(expect.any(Number));
    expect((health.memory as { rss_mb: number }).rss_mb).toBeGreaterThan(0);
    // The retained one may be from start-up, before the first poll: health_check is current.
    const answer = await request('health_check', '');
    expect(answer.status).toBe('ok');
    const lab = (answer.data as { pdus: Record<string, Record<string, unknown>> }).pdus.lab;
    expect(lab).toMatchObject({ online: true, units: ['lab'], last_poll_ok: true, failures: 0 });
    expect(lab?.polls).toBeGreaterThanOrEqual(1);
  });

  it('publishes outlet_renamed and outlet_switched on bridge/event, not retained, once the state is out', async () => {
    const renamed = next(`${ROOT}/event`, (p) => p.type === 'outlet_renamed');
    expect((await bridge.commands.rename({ pdu: 'lab', outlet: 3, name: 'db-03 PSU1' })).status).toBe('ok');
    const r = await renamed;
    expect(r.retain).toBe(false);
    expect(json(r.payload)).toMatchObject({
      type: 'outlet_renamed',
      data: { pdu: 'lab', outlet: 3, name: 'db-03 PSU1', time: expect.any(String) },
    });
    // The event comes after the state it tells of.
    const stateAt = w.seen.findIndex(
      (m) => m.topic === `${BASE}/lab/outlet/3` && json(m.payload).name === 'db-03 PSU1',
    );
    expect(stateAt).toBeGreaterThanOrEqual(0);
    expect(stateAt).toBeLessThan(w.seen.indexOf(r));

    const before = agent.model.isOn(1, 4, Date.now()) ? 'on' : 'off';
    const after = before === 'on' ? 'off' : 'on';
    const switched = next(`${ROOT}/event`, (p) => p.type === 'outlet_switched');
    expect((await bridge.commands.switchOutlet({ pdu: 'lab', outlet: 4, action: after })).status).toBe('ok');
    expect(json((await switched).payload).data).toMatchObject({ outlet: 4, state: after, previous: before });
  });

  it('publishes pdu_offline and pdu_online as the poller decides them', async () => {
    const offline = next(`${ROOT}/event`, (p) => p.type === 'pdu_offline');
    agent.pause();
    await bridge.pollers[0]!.pollNow();
    expect(json((await offline).payload).data).toMatchObject({ pdu: 'lab' });
    const online = next(`${ROOT}/event`, (p) => p.type === 'pdu_online');
    agent.resume();
    await bridge.pollers[0]!.pollNow();
    expect(json((await online).payload).type).toBe('pdu_online');
    expect(EVENT_TYPES).toContain('pdu_online');
  });

  it('keeps the events in the history for the panel, and streams new ones to it', async () => {
    const http = `http://127.0.0.1:${bridge.http!.port}`;
    const listed = (await (await fetch(`${http}/api/event-log?pdu=lab&limit=50`)).json()) as {
      events: { type: string; data: Record<string, unknown> }[];
    };
    const types = listed.events.map((e) => e.type);
    // Newest first: the outage and the return come after the rename and the switch.
    expect(types.slice(0, 4)).toEqual(['pdu_online', 'pdu_offline', 'outlet_switched', 'outlet_renamed']);
    expect(listed.events[3]?.data).toMatchObject({ pdu: 'lab', outlet: 3, name: 'db-03 PSU1' });
    expect((await fetch(`${http}/api/event-log?limit=0`)).status).toBe(400);

    // The live stream (what the panel listens to) carries the next one.
    const ctrl = new AbortController();
    const res = await fetch(`${http}/api/events`, { signal: ctrl.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const frame = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        text += decoder.decode(value, { stream: true });
        const m = /event: bridge-event\ndata: (.*)\n/.exec(text);
        if (m) return JSON.parse(m[1]!) as { type: string; data: Record<string, unknown> };
      }
    })();
    // Wait for the stream's first frame (the current status): the client is registered.
    while (!text.includes('event: reading')) await new Promise((r) => setTimeout(r, 20));
    expect((await bridge.commands.rename({ pdu: 'lab', outlet: 5, name: 'live one' })).status).toBe('ok');
    expect(await frame).toMatchObject({ type: 'outlet_renamed', data: { outlet: 5, name: 'live one' } });
    ctrl.abort();
  });

  it('answers health_check and options with the transaction; options change the log level', async () => {
    expect(await request('health_check', '{"transaction":"h1"}')).toMatchObject({
      status: 'ok',
      transaction: 'h1',
      data: { healthy: true },
    });
    const info = next(`${ROOT}/info`, (p) => p.log_level === 'debug');
    expect(await request('options', '{"log_level":"debug","transaction":"o1"}')).toEqual({
      status: 'ok',
      transaction: 'o1',
      data: { log_level: 'debug' },
    });
    expect(logs.log.level).toBe('debug');
    await info;
    const bad = await request('options', '{"log_level":"loud","transaction":"o2"}');
    expect(bad).toMatchObject({ status: 'error', transaction: 'o2' });
    expect(String(bad.error)).toContain('log_level must be one of');
    expect(logs.log.level).toBe('debug');
    expect((await request('options', '{"log_level":"info"}')).status).toBe('ok');
  });

  it('polls on poll_now (and refuses an unknown PDU), rate-limited like a trap', async () => {
    const polls = bridge.status.pdus()[0]!.polls;
    expect(await request('poll_now', '{"pdu":"lab","transaction":"p1"}')).toEqual({
      status: 'ok',
      transaction: 'p1',
      data: { pdus: ['lab'] },
    });
    const deadline = Date.now() + 10_000;
    while (bridge.status.pdus()[0]!.polls === polls && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(bridge.status.pdus()[0]!.polls).toBeGreaterThan(polls);
    expect(await request('poll_now', '{"pdu":"nope"}')).toMatchObject({ status: 'error' });
  });

  it('announces the bridge device: connection, version, poll and republish buttons, valid for Home Assistant', async () => {
    const configs = await retained(url, ['homeassistant/device/+/config']);
    const topic = `homeassistant/device/${BASE}_bridge/config`;
    const device = json(configs.get(topic)!) as {
      device: { identifiers: string[] };
      components: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(device.components).sort()).toEqual([
      'connection_state',
      'poll_now',
      'republish_discovery',
      'version',
    ]);
    expect(device.components.connection_state).toMatchObject({
      platform: 'binary_sensor',
      state_topic: `${ROOT}/state`,
      device_class: 'connectivity',
    });
    // Every PDU device hangs under the bridge's.
    const pdu = json(configs.get(`homeassistant/device/${BASE}_lab/config`)!) as {
      device: { via_device: string; configuration_url: string; connections: string[][] };
    };
    expect(pdu.device.via_device).toBe(device.device.identifiers[0]);
    // Its web page and its MAC (pxMACAddress), by which Home Assistant merges it with other integrations' view of it.
    expect(pdu.device.configuration_url).toBe('https://127.0.0.1');
    expect(pdu.device.connections).toEqual([['mac', agent.model.identity(1).mac]]);
    expect(agent.model.identity(1).mac).toMatch(/^02(:[0-9a-f]{2}){5}$/);
    const states = await retained(url, [`${BASE}/#`]);
    const errors = validateDiscovery({
      discoveryPrefix: 'homeassistant',
      configs: new Map([...configs].map(([t, p]) => [t, JSON.parse(p) as unknown])),
      states,
    });
    expect(errors).toEqual([]);

    // A press of "Poll now" is a request like any other.
    const press = device.components.poll_now!;
    const reply = next(`${ROOT}/response/poll_now`);
    await w.client.publishAsync(String(press.command_topic), String(press.payload_press), { qos: 1 });
    expect(json((await reply).payload)).toMatchObject({ status: 'ok', data: { pdus: ['lab'] } });
    const republish = next(`${ROOT}/response/republish_discovery`);
    await w.client.publishAsync(String(device.components.republish_discovery!.command_topic), '{}', {
      qos: 1,
    });
    expect(json((await republish).payload)).toEqual({ status: 'ok', data: {} });
  });
});
