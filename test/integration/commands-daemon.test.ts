import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PENDING_COMMANDS } from '../../bridge/commands.ts';
import { type Bridge, createBridge } from '../../bridge/controller.ts';
import { silentLogger } from '../../bridge/log.ts';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { loadConfig } from '../../config/load.ts';
import { type Seen, type Watcher, waitForRetained, watch } from '../helpers/mqtt-client.ts';

/**
 * Commands on the daemon as `run` builds it (createBridge, embedded broker, HTTP on loopback) against
 * the simulated PDU. Switching: a protected outlet (config) and one the PDU reports not switchable get
 * no switch entity and every switch command for them is refused. The queue: a PDU that does not answer
 * holds it; past MAX_PENDING_COMMANDS a command is answered "busy" at once, over MQTT (JSON error) and
 * HTTP (503) alike, and the accepted ones are all carried out once the PDU answers again. A burst of
 * 2,000 renames does not become 2,000 SETs.
 */

const BASE = 'raritan2mqtt';
const PROTECTED = 3;
const UNSWITCHABLE = 4;

describe('commands on the daemon', () => {
  let agent: SimAgent;
  let bridge: Bridge;
  let dir: string;
  let w: Watcher;
  let http: string;

  beforeAll(async () => {
    agent = await startSimAgent({
      model: { outlets: 8, seed: 7, powerOffPeriod: 1, unswitchable: [UNSWITCHABLE] },
    });
    dir = mkdtempSync(join(tmpdir(), 'r2m-queue-'));
    const config = loadConfig({
      env: {},
      overrides: {
        pdus: [
          {
            id: 'q',
            host: '127.0.0.1',
            port: agent.port,
            writeCommunity: 'private',
            allowSwitching: true,
            protectedOutlets: [PROTECTED],
            pollInterval: 3600,
            // A held write keeps trying for up to 11 s: the queue stays full while the test looks.
            timeout: 1000,
            retries: 10,
          },
        ],
        mqtt: { port: 0, host: '127.0.0.1' },
        http: { port: 0, host: '127.0.0.1' },
        db: { path: join(dir, 'r2m.db') },
      },
    });
    bridge = createBridge({ config, log: silentLogger });
    await bridge.start();
    await bridge.pollers[0]!.pollNow();
    http = `http://127.0.0.1:${bridge.http!.port}`;
    w = await watch(bridge.mqtt.url!, [`${BASE}/bridge/response/#`]);
  });

  it('switches only outlets that are neither protected nor reported unswitchable, in HA and by command', async () => {
    const configs = await waitForRetained(bridge.mqtt.url!, ['homeassistant/device/+/config'], 9);
    const components = (n: number) =>
      Object.keys(
        JSON.parse(configs.get(`homeassistant/device/raritan2mqtt_q_outlet_${n}/config`) ?? '{}')
          .components ?? {},
      );
    for (const n of [1, 2, 5, 6, 7, 8])
      expect(components(n)).toEqual(expect.arrayContaining(['switch', 'cycle']));
    for (const n of [PROTECTED, UNSWITCHABLE]) {
      expect(components(n)).toContain('state');
      expect(components(n)).not.toContain('switch');
      expect(components(n)).not.toContain('cycle');
    }
    const from = w.seen.length;
    const sets = agent.stats.set;
    for (const n of [PROTECTED, UNSWITCHABLE])
      await w.client.publishAsync(`${BASE}/q/outlet/${n}/set`, 'OFF', { qos: 1 });
    await w.waitFor(() => w.seen.length - from >= 2);
    expect(responses(from).map((r) => r.error)).toEqual([
      `outlet ${PROTECTED} of q is protected (protectedOutlets): it is never switched`,
      `outlet ${UNSWITCHABLE} of q is not switchable: the PDU does not report it so (outletSwitchable)`,
    ]);
    expect(agent.stats.set).toBe(sets);
    // And a cycle where it is allowed: answered once the PDU has the outlet on again.
    const on = [1, 2, 5, 6, 7, 8].find((n) => agent.model.isOn(1, n, Date.now()));
    if (on === undefined) throw new Error('no switchable outlet is on');
    const sent = Date.now();
    await w.client.publishAsync(`${BASE}/q/outlet/${on}/set`, 'CYCLE', { qos: 1 });
    await w.waitFor(() => w.seen.length - from >= 3, 15_000);
    expect(responses(from)[2]).toEqual({ status: 'ok', data: { pdu: 'q', outlet: on, state: 'on' } });
    const events = agent.model.state.switchEvents(1, on).filter((e) => e.time >= sent);
    expect(events.map((e) => e.on)).toEqual([false, true]);
    expect(agent.model.isOn(1, on, Date.now())).toBe(true);
  }, 30_000);

  afterAll(async () => {
    agent?.resume();
    await w?.close();
    await bridge?.stop();
    await agent?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const responses = (from: number) => w.seen.slice(from).map((m: Seen) => JSON.parse(m.payload));

  /** Pauses the agent and starts one rename whose SET the agent swallows: the queue's head is held. */
  async function holdQueue<T>(start: () => Promise<T>): Promise<{ held: Promise<T> }> {
    await bridge.pollers[0]!.pollNow();
    agent.resetStats();
    agent.pause();
    const held = start();
    const deadline = Date.now() + 10_000;
    while (agent.stats.dropped === 0) {
      if (Date.now() > deadline) throw new Error('the held write never reached the agent');
      await new Promise((r) => setTimeout(r, 20));
    }
    // Wrapped: returning the promise itself would make the caller wait for the held command.
    return { held };
  }

  it(`MQTT: the command after ${MAX_PENDING_COMMANDS} pending is answered busy at once`, async () => {
    const from = w.seen.length;
    const publish = (topic: string, payload: string) => w.client.publishAsync(topic, payload, { qos: 1 });
    await holdQueue(() => publish(`${BASE}/q/outlet/1/name/set`, 'held 1'));
    for (let i = 2; i <= MAX_PENDING_COMMANDS; i++)
      await publish(`${BASE}/q/outlet/${i}/name/set`, `queued ${i}`);
    await publish(`${BASE}/q/outlet/1/name/set`, 'one too many');
    await publish(
      `${BASE}/bridge/request/outlet/switch`,
      JSON.stringify({ pdu: 'q', outlet: 2, action: 'off', transaction: 't' }),
    );
    // Both extra commands are answered while the PDU is still silent: nothing else can have answered.
    await w.waitFor(() => w.seen.length - from >= 2, 10_000);
    expect(responses(from)).toEqual([
      { status: 'error', data: {}, error: expect.stringMatching(/^busy: q already has 8 commands/) },
      { status: 'error', data: {}, error: expect.stringMatching(/^busy: q/), transaction: 't' },
    ]);
    agent.resume();
    await w.waitFor(() => w.seen.length - from >= 2 + MAX_PENDING_COMMANDS, 30_000);
    const done = responses(from).slice(2);
    expect(done.map((r) => r.status)).toEqual(Array(MAX_PENDING_COMMANDS).fill('ok'));
    expect(agent.model.outletName(1, 1)).toBe('held 1');
    expect(agent.model.outletName(1, MAX_PENDING_COMMANDS)).toBe(`queued ${MAX_PENDING_COMMANDS}`);
    expect(agent.model.isOn(1, 2, Date.now())).toBe(true);
  }, 60_000);

  it('HTTP: the rename after the queue is full gets 503 busy, the accepted ones 200', async () => {
    const rename = (outlet: number, name: string) =>
      fetch(`${http}/api/update-port-name`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pdu: 'q', outlet, name }),
      }).then(async (res) => ({ code: res.status, body: (await res.json()) as Record<string, unknown> }));
    const { held } = await holdQueue(() => rename(1, 'http held'));
    const rest = Array.from({ length: MAX_PENDING_COMMANDS }, (_, i) => rename(2 + (i % 6), `http ${i}`));
    const all = [held, ...rest];
    // The first answer while the PDU is silent can only be the refused one.
    const refused = await Promise.race(all);
    expect(refused).toEqual({
      code: 503,
      body: { status: 'error', error: expect.stringMatching(/^busy: q already has 8 commands/) },
    });
    agent.resume();
    const results = await Promise.all(all);
    expect(results.filter((r) => r.code === 503)).toHaveLength(1);
    expect(results.filter((r) => r.code === 200)).toHaveLength(MAX_PENDING_COMMANDS);
    expect(agent.model.outletName(1, 1)).toBe('http held');
  }, 60_000);

  it('a burst of 2,000 renames over MQTT: every one answered, only the few accepted reach the PDU', async () => {
    await bridge.pollers[0]!.pollNow();
    agent.resetStats();
    const from = w.seen.length;
    const burst = 2000;
    await Promise.all(
      Array.from({ length: burst }, (_, i) =>
        w.client.publishAsync(`${BASE}/q/outlet/${1 + (i % 8)}/name/set`, `burst ${i}`, { qos: 0 }),
      ),
    );
    await w.waitFor(() => w.seen.length - from >= burst, 60_000);
    const answers = responses(from);
    const ok = answers.filter((r) => r.status === 'ok').length;
    const busy = answers.filter((r) => r.status === 'error' && /^busy:/.test(r.error)).length;
    expect(ok + busy).toBe(burst);
    expect(ok).toBeGreaterThanOrEqual(MAX_PENDING_COMMANDS);
    // Unbounded, all 2,000 were queued (minutes of SETs); bounded, a rename has to finish to let
    // another in, and each one is a SET, a read-back and a re-poll.
    expect(ok).toBeLessThan(burst / 4);
    expect(agent.stats.set).toBe(ok);
  }, 90_000);
});
