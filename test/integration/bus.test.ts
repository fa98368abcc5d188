import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AvailabilityChange, Consumer, Recorded } from '../../bridge/bus.ts';
import { type Bridge, createBridge } from '../../bridge/controller.ts';
import { silentLogger } from '../../bridge/log.ts';
import type { PollResult } from '../../bridge/readings.ts';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { loadConfig } from '../../config/load.ts';
import { type Watcher, watch } from '../helpers/mqtt-client.ts';

/**
 * The bridge as the daemon builds it (createBridge): the pollers are sources on one bus, and every
 * consumer — the built-in history, MQTT and HTTP, and one added by a test in one entry — gets each poll
 * and each availability change from it, without knowing about the others.
 */
describe('the bus: every consumer gets every poll', () => {
  let agent: SimAgent;
  let bridge: Bridge;
  let dir: string;
  let watcher: Watcher;
  const seen = {
    polls: [] as PollResult[],
    availability: [] as AvailabilityChange[],
    recorded: [] as Recorded[],
  };
  const lifecycle: string[] = [];

  beforeAll(async () => {
    agent = await startSimAgent({ model: { outlets: 6 } });
    dir = mkdtempSync(join(tmpdir(), 'r2m-bus-'));
    const config = loadConfig({
      env: {},
      overrides: {
        pdus: [
          { id: 'lab', host: '127.0.0.1', port: agent.port, pollInterval: 3600, timeout: 200, retries: 0 },
        ],
        snmp: { offlineAfter: 1 },
        mqtt: { port: 0 },
        http: { port: 0, host: '127.0.0.1' },
        db: { path: join(dir, 'r2m.db') },
      },
    });
    // Adding a consumer is one entry: a factory that gets the bus and the shared stores.
    const probe = ({ bus }: { bus: Bridge['bus'] }): Consumer => {
      const off: (() => void)[] = [];
      return {
        name: 'probe',
        start() {
          lifecycle.push('start');
          off.push(
            bus.on('poll', (p) => seen.polls.push(p), 'probe'),
            bus.on('availability', (a) => seen.availability.push(a), 'probe'),
            bus.on('recorded', (r) => seen.recorded.push(r), 'probe'),
            // A consumer that throws never keeps the event from the others.
            bus.on(
              'poll',
              () => {
                throw new Error('a broken consumer');
              },
              'broken',
            ),
          );
        },
        stop() {
          lifecycle.push('stop');
          for (const f of off) f();
        },
      };
    };
    bridge = createBridge({ config, log: silentLogger, consumers: [probe] });
    await bridge.start();
    watcher = await watch(bridge.mqtt.url!, ['raritan2mqtt/lab/outlet/+']);
  });
  afterAll(async () => {
    await watcher?.close();
    await bridge?.stop();
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the consumers the daemon runs, the added one last', () => {
    expect(bridge.consumers.map((c) => c.name)).toEqual(['history', 'mqtt', 'http', 'events', 'probe']);
    expect(lifecycle).toEqual(['start']);
  });

  it('delivers one poll to history, MQTT, HTTP and the added consumer alike', async () => {
    const poll = await bridge.pollers[0]!.pollNow();
    if (!poll.ok) throw new Error(poll.error);
    const outlet = poll.units[0]!.outlets[2]!;
    expect(seen.polls).toContain(poll);
    expect(seen.availability).toContainEqual(
      expect.objectContaining({ source: 'lab', units: ['lab'], online: true }),
    );
    expect(seen.recorded).toContainEqual({ source: 'lab', units: ['lab'], time: poll.time });
    // history
    const last = bridge.history.db().prepare('SELECT max(ts) AS ts FROM sample').get() as { ts: number };
    expect(last.ts).toBe(Math.floor(poll.time / 1000));
    // MQTT
    const m = await watcher.waitFor(
      (x) => x.topic === 'raritan2mqtt/lab/outlet/3' && JSON.parse(x.payload).power === outlet.power,
    );
    expect(JSON.parse(m.payload).current).toBe(outlet.current);
    // HTTP
    const ports = (await (await fetch(`http://127.0.0.1:${bridge.http!.port}/api/ports?pdu=lab`)).json()) as {
      time: number;
    };
    expect(ports.time).toBe(poll.time);
  });

  it('delivers availability changes to every consumer from the poller only', async () => {
    agent.model.pause();
    const failed = await bridge.pollers[0]!.pollNow();
    agent.model.resume();
    expect(failed.ok).toBe(false);
    expect(seen.polls).toContain(failed);
    expect(seen.availability.at(-1)).toMatchObject({ source: 'lab', units: ['lab'], online: false });
    expect(bridge.status.pdus()[0]!.online).toBe(false);
  });
});
