import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import {
  hasMosquitto,
  type Mosquitto,
  mosquittoSkipMessage,
  startMosquitto,
} from '../../support/mosquitto.ts';
import { type Daemon, startDaemon, writeConfig } from '../helpers/daemon.ts';
import { retained } from '../helpers/mqtt-client.ts';

/**
 * Several bridges on one base topic of one real Mosquitto, each with its own mqtt.bridgeId and PDU
 * (docs/mqtt.md, "Several bridges on one broker"). One is stopped (SIGTERM: it publishes `offline`),
 * one is killed (SIGKILL: the broker publishes its last will); the third one's entities stay
 * available, computed as Home Assistant does: every availability topic of every component, with
 * availability_mode `all` (homeassistant/components/mqtt/mixins.py, MqttAvailabilityMixin).
 */

const BASE = 'shared';
const PREFIX = 'homeassistant';
const BRIDGES = ['rack_a', 'rack_b', 'rack_c'] as const;
if (!hasMosquitto) console.warn(mosquittoSkipMessage);

type Component = {
  availability?: { topic: string; payload_available?: string }[];
  availability_mode?: string;
};
type Config = Component & { components: Record<string, Component>; device: { identifiers: string[] } };

/** Per config topic: whether each of its entities is available, as Home Assistant computes it. */
function availableEntities(all: Map<string, string>): Map<string, boolean[]> {
  const out = new Map<string, boolean[]>();
  for (const [topic, payload] of all) {
    if (!topic.startsWith(`${PREFIX}/device/`)) continue;
    const config = JSON.parse(payload) as Config;
    const verdicts = Object.values(config.components).map((c) => {
      const list = c.availability ?? config.availability ?? [];
      const mode = c.availability_mode ?? config.availability_mode ?? 'latest';
      const ok = list.map((a) => all.get(a.topic) === (a.payload_available ?? 'online'));
      if (list.length === 0) return true;
      // 'latest' needs message order: with retained values only, every topic agreeing is the safe reading.
      return mode === 'any' ? ok.some(Boolean) : ok.every(Boolean);
    });
    out.set(topic, verdicts);
  }
  return out;
}

describe.skipIf(!hasMosquitto)('three bridges on one base topic of one Mosquitto', () => {
  let mosquitto: Mosquitto;
  const agents: SimAgent[] = [];
  const daemons = new Map<string, Daemon>();
  let dir: string;

  const snapshot = () => retained(mosquitto.url, [`${BASE}/#`, `${PREFIX}/#`]);
  async function until(
    pred: (all: Map<string, string>) => boolean,
    what: string,
  ): Promise<Map<string, string>> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const all = await snapshot();
      if (pred(all)) return all;
      if (Date.now() > deadline) throw new Error(`${what}: not within 30 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const configsOf = (all: Map<string, string>, id: string) =>
    [...availableEntities(all)].filter(([topic]) => topic.startsWith(`${PREFIX}/device/${id}_`));

  beforeAll(async () => {
    mosquitto = await startMosquitto();
    dir = mkdtempSync(join(tmpdir(), 'r2m-two-bridges-'));
    for (const [i, id] of BRIDGES.entries()) {
      const agent = await startSimAgent({ model: { outlets: 4, seed: 11 + i } });
      agents.push(agent);
      const cfgDir = mkdtempSync(join(dir, `${id}-`));
      const file = writeConfig(cfgDir, {
        pdus: [{ id: `pdu_${id}`, host: '127.0.0.1', port: agent.port, pollInterval: 3600 }],
        mqtt: { url: mosquitto.url, baseTopic: BASE, bridgeId: id },
        http: { host: '127.0.0.1', port: 0 },
        db: { path: join(cfgDir, 'r2m.db') },
        log: { level: 'info' },
      });
      daemons.set(id, startDaemon(file));
    }
    // Every bridge's PDU config (PDU device + 4 outlets) and bridge device out, all of it available.
    await until((all) => {
      const each = BRIDGES.map((id) => configsOf(all, id));
      return each.every((c) => c.length === 6 && c.every(([, v]) => v.every(Boolean)));
    }, 'every bridge announced and available');
  }, 90_000);
  afterAll(async () => {
    for (const d of daemons.values()) await d.kill('SIGKILL');
    await mosquitto?.stop();
    for (const a of agents) await a.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives each bridge its own state topic, which its entities point at', async () => {
    const all = await snapshot();
    for (const id of BRIDGES) {
      expect(all.get(`${BASE}/bridge/${id}/state`)).toBe('online');
      for (const [topic] of configsOf(all, id).filter(([t]) => !t.endsWith('_bridge/config'))) {
        const text = all.get(topic)!;
        expect(text).toContain(`"${BASE}/bridge/${id}/state"`);
        for (const other of BRIDGES.filter((o) => o !== id)) expect(text).not.toContain(`/bridge/${other}/`);
      }
    }
    // Nobody uses the shared default topic.
    expect(all.has(`${BASE}/bridge/state`)).toBe(false);
  });

  it('keeps the others available when one is stopped and another killed', async () => {
    const a = daemons.get('rack_a')!;
    expect(await a.kill('SIGTERM')).toBe(0);
    const b = daemons.get('rack_b')!;
    await b.kill('SIGKILL');
    const all = await until(
      (m) =>
        m.get(`${BASE}/bridge/rack_a/state`) === 'offline' &&
        m.get(`${BASE}/bridge/rack_b/state`) === 'offline',
      'the stopped and the killed bridge offline',
    );
    // The stopped and the killed bridge's PDU entities are unavailable; the bridge devices' connection
    // sensors (no availability of their own) say "disconnected" instead.
    for (const id of ['rack_a', 'rack_b']) {
      const pduConfigs = configsOf(all, id).filter(([t]) => !t.endsWith('_bridge/config'));
      expect(pduConfigs).toHaveLength(5);
      for (const [, v] of pduConfigs) expect(v.every((x) => !x)).toBe(true);
    }
    const survivor = configsOf(all, 'rack_c');
    expect(survivor).toHaveLength(6);
    for (const [topic, v] of survivor)
      expect({ topic, available: v.every(Boolean) }).toEqual({ topic, available: true });
    expect(all.get(`${BASE}/bridge/rack_c/state`)).toBe('online');
  });
});
