import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, createBridge } from '../../bridge/controller.ts';
import { silentLogger } from '../../bridge/log.ts';
import { createEmbeddedBroker, type EmbeddedBroker } from '../../bridge/mqtt/broker.ts';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { loadConfig } from '../../config/load.ts';
import { hasMosquitto, type Mosquitto, startMosquitto } from '../../support/mosquitto.ts';
import { type CapturedLog, captureLog, WARN } from '../helpers/log-capture.ts';
import { publishRetained, type Watcher, watch } from '../helpers/mqtt-client.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';

/**
 * A retained command on the broker is never executed: not when the bridge (re)connects and the broker
 * hands it out again, not after a connection drop, not after a restart of the bridge. A live command
 * on the same topic still switches the outlet. The daemon as `run` builds it (createBridge) on the
 * simulated PDU, behind a TCP relay that can cut its connection, on aedes and on Mosquitto.
 */

const BASE = 'raritan2mqtt';
const IGNORED = 'ignored a retained command message';

interface BrokerUnderTest {
  url: string;
  host: string;
  port: number;
  stop(): Promise<void>;
}

async function aedes(): Promise<BrokerUnderTest> {
  const broker: EmbeddedBroker = createEmbeddedBroker({ log: silentLogger, port: 0 });
  const { port } = await broker.start();
  return { url: `mqtt://127.0.0.1:${port}`, host: '127.0.0.1', port, stop: () => broker.stop() };
}

async function mosquitto(): Promise<BrokerUnderTest> {
  const m: Mosquitto = await startMosquitto();
  return { url: m.url, host: '127.0.0.1', port: m.port, stop: () => m.stop() };
}

const brokers = [
  { name: 'embedded aedes', start: aedes, skip: false },
  { name: 'Mosquitto', start: mosquitto, skip: !hasMosquitto },
];

describe.each(brokers)('retained commands on $name', ({ start, skip }) => {
  let broker: BrokerUnderTest;
  let proxy: TcpProxy;
  let agent: SimAgent;
  let dir: string;
  let bridge: Bridge | undefined;
  let cap: CapturedLog;
  let w: Watcher;
  let victims: number[] = [];

  function startBridge(): Promise<Bridge> {
    const config = loadConfig({
      env: {},
      overrides: {
        pdus: [
          {
            id: 'sw',
            host: '127.0.0.1',
            port: agent.port,
            writeCommunity: 'private',
            allowSwitching: true,
            pollInterval: 3600,
          },
        ],
        mqtt: { url: proxy.url },
        http: { port: 0, host: '127.0.0.1' },
        db: { path: join(dir, 'r2m.db') },
      },
    });
    const b = createBridge({ config, log: cap.log });
    return b.start().then(() => b);
  }

  const ignoredCount = () => cap.entries().filter((e) => e.msg === IGNORED).length;
  const nameBefore = new Map<number, string>();

  beforeAll(async () => {
    if (skip) return;
    broker = await start();
    proxy = await startTcpProxy(broker);
    agent = await startSimAgent({ model: { outlets: 6, seed: 7 } });
    dir = mkdtempSync(join(tmpdir(), 'r2m-retained-'));
    cap = captureLog('debug');
    const now = Date.now();
    victims = [1, 2, 3, 4, 5, 6].filter((n) => agent.model.isOn(1, n, now)).slice(0, 3);
    if (victims.length < 3) throw new Error('the simulation has fewer than 3 outlets on');
    for (const n of victims) nameBefore.set(n, agent.model.outletName(1, n));
    bridge = await startBridge();
    await bridge.pollers[0]!.pollNow();
    w = await watch(broker.url, [`${BASE}/#`]);
  });

  afterAll(async () => {
    await w?.close();
    await bridge?.stop();
    await proxy?.stop();
    await broker?.stop();
    await agent?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(skip)(
    'ignores retained commands published while the bridge was away, and on every reconnect',
    async () => {
      const [a, b, c] = victims as [number, number, number];
      // The bridge is away (its connection cut, the broker unreachable for it) while someone leaves
      // retained commands on the broker: a switch, a rename, and both as bridge requests.
      proxy.blocked = true;
      proxy.drop();
      const retained: Array<[string, string]> = [
        [`${BASE}/sw/outlet/${a}/set`, 'OFF'],
        [`${BASE}/sw/outlet/${a}/name/set`, 'Hijacked'],
        [`${BASE}/bridge/request/outlet/switch`, JSON.stringify({ pdu: 'sw', outlet: b, action: 'off' })],
        [`${BASE}/bridge/request/outlet/rename`, JSON.stringify({ pdu: 'sw', outlet: c, name: 'Hijacked' })],
      ];
      await publishRetained(broker.url, retained);
      const sets = agent.stats.set;
      const accepted = proxy.accepted;
      proxy.blocked = false;

      // First reconnect: the broker hands all four out again; none is executed, none answered.
      await cap.waitFor((e) => e.msg === IGNORED, 4, 15_000);
      expect(proxy.accepted).toBeGreaterThan(accepted);
      // A second connection drop: the same four once more, still nothing.
      proxy.drop();
      await cap.waitFor((e) => e.msg === IGNORED, 8, 15_000);

      const now = Date.now();
      for (const n of victims) {
        expect(agent.model.isOn(1, n, now), `outlet ${n}`).toBe(true);
        expect(agent.model.outletName(1, n)).toBe(nameBefore.get(n));
      }
      expect(agent.stats.set).toBe(sets);
      expect(w.seen.filter((m) => m.topic.startsWith(`${BASE}/bridge/response/`))).toEqual([]);
      // Warned once per topic, however often the broker replays it.
      const warnings = cap.entries().filter((e) => e.level === WARN && String(e.msg).startsWith(IGNORED));
      expect(warnings.map((e) => e.topic).sort()).toEqual(retained.map(([t]) => t).sort());
    },
  );

  it.skipIf(skip)(
    'ignores them after a restart of the bridge too, and still runs a live command',
    async () => {
      const [a] = victims as [number];
      const before = ignoredCount();
      await bridge?.stop();
      bridge = await startBridge();
      await bridge.pollers[0]!.pollNow();
      await cap.waitFor((e) => e.msg === IGNORED, before + 4, 15_000);
      expect(agent.model.isOn(1, a, Date.now())).toBe(true);

      // The same topic, live (not retained): that is a command someone sends now.
      const from = w.seen.length;
      await w.client.publishAsync(`${BASE}/sw/outlet/${a}/set`, 'OFF', { qos: 1 });
      const reply = await w.waitFor(
        (m) => m.topic === `${BASE}/bridge/response/outlet/switch` && w.seen.indexOf(m) >= from,
        15_000,
      );
      expect(JSON.parse(reply.payload)).toEqual({
        status: 'ok',
        data: { pdu: 'sw', outlet: a, state: 'off' },
      });
      expect(agent.model.isOn(1, a, Date.now())).toBe(false);
    },
  );

  it.skipIf(skip)(
    'carries out a command sent with the retain flag while connected once, and never again',
    async () => {
      const [, b] = victims as [number, number];
      const topic = `${BASE}/sw/outlet/${b}/set`;
      const answer = async (payload: string, retain: boolean) => {
        const from = w.seen.length;
        await w.client.publishAsync(topic, payload, { qos: 1, retain });
        const reply = await w.waitFor(
          (m) => m.topic === `${BASE}/bridge/response/outlet/switch` && w.seen.indexOf(m) >= from,
          15_000,
        );
        return JSON.parse(reply.payload) as { status: string };
      };
      // Live, the broker delivers it without the flag: a command sent now.
      expect((await answer('OFF', true)).status).toBe('ok');
      expect(agent.model.isOn(1, b, Date.now())).toBe(false);
      expect((await answer('ON', false)).status).toBe('ok');
      // What the broker kept of it is replayed on the next connection, and ignored.
      const replays = () => cap.entries().filter((e) => e.msg === IGNORED && e.topic === topic).length;
      const before = replays();
      proxy.drop();
      await cap.waitFor((e) => e.msg === IGNORED && e.topic === topic, before + 1, 15_000);
      expect(agent.model.isOn(1, b, Date.now())).toBe(true);
    },
  );
});
