import { join } from 'node:path';
import type { Logger } from 'pino';
import { type Bridge, createBridge } from '../../bridge/controller.ts';
import type { EnergyVerdict, PollResult } from '../../bridge/readings.ts';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import type { SimModel } from '../../bridge/sim/model-types.ts';
import { loadConfig } from '../../config/load.ts';
import { type Watcher, watch } from './mqtt-client.ts';

/**
 * A bridge as `run` builds it (poller, embedded broker, SQLite file) on a simulated PDU, sharing one
 * clock with the simulator so that minutes pass in milliseconds, and what Home Assistant would see of
 * every channel's `energy`: the values on the retained topics, in order, with the poll they came from.
 * Restart it on the same database, swap the agent on the same port, and compare with what was drawn.
 */

export const MIN = 60_000;
export const PDU = 'lab';
export const BASE = `raritan2mqtt/${PDU}`;

export interface Point {
  time: number;
  energy: number;
}

export interface EnergyRun {
  clock: number;
  readonly bridge: Bridge;
  /** topic (the PDU's, or an outlet's) → the energy values published, in order (nulls left out). */
  readonly streams: Map<string, Point[]>;
  /** Every state payload published on those topics, with the poll it came from. */
  readonly published: { time: number; topic: string; payload: Record<string, unknown> }[];
  /** channel (0: inlet) → the tracker's verdict at each poll. */
  readonly verdicts: Map<number, EnergyVerdict[]>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Advances the clock, polls, waits until MQTT has delivered the poll. */
  poll(minutes?: number): Promise<void>;
  /** The agent restarts on the same port serving `model`. */
  swap(model: SimModel): Promise<void>;
  /** The counter of an outlet as last read. */
  lastRead(outlet: number): number;
  /** Wh drawn by a channel from the first poll to `time`: per poll interval, the most any model drew. */
  drawnUntil(channel: number, time: number, models: SimModel[]): number;
  close(): Promise<void>;
}

export async function createEnergyRun(o: {
  model: SimModel;
  clock: number;
  dir: string;
  log: Logger;
}): Promise<EnergyRun> {
  let agent: SimAgent = await startSimAgent({ model: o.model, clock: () => run.clock });
  const port = agent.port;
  let bridge: Bridge | undefined;
  let watcher: Watcher | undefined;
  let seen = 0;
  const served: number[] = [];

  async function settle(r: PollResult): Promise<void> {
    if (!r.ok) throw new Error(r.error);
    served.push(run.clock);
    const unit = r.units[0]!;
    for (const [channel, c] of [
      [0, unit.inlet] as const,
      ...unit.outlets.map((x) => [x.outlet, x] as const),
    ]) {
      const v = run.verdicts.get(channel) ?? [];
      v.push(c.energy_step!.verdict);
      run.verdicts.set(channel, v);
    }
    const stamp = new Date(run.clock).toISOString();
    await watcher!.waitFor((m) => m.topic === `${BASE}/diagnostics` && m.payload.includes(stamp));
    await watcher!.settle();
    for (const m of watcher!.seen.slice(seen)) {
      if (m.payload === '' || !(m.topic === BASE || m.topic.startsWith(`${BASE}/outlet/`))) continue;
      const payload = JSON.parse(m.payload) as Record<string, unknown>;
      run.published.push({ time: run.clock, topic: m.topic, payload });
      const energy = payload.energy;
      if (typeof energy !== 'number') continue;
      const points = run.streams.get(m.topic) ?? [];
      points.push({ time: run.clock, energy });
      run.streams.set(m.topic, points);
    }
    seen = watcher!.seen.length;
  }

  const run: EnergyRun = {
    clock: o.clock,
    get bridge() {
      if (!bridge) throw new Error('not started');
      return bridge;
    },
    streams: new Map(),
    published: [],
    verdicts: new Map(),
    async start() {
      const config = loadConfig({
        env: {},
        overrides: {
          pdus: [{ id: PDU, host: '127.0.0.1', port, pollInterval: 3600 }],
          mqtt: { port: 0 },
          http: { port: 0, host: '127.0.0.1' },
          db: { path: join(o.dir, 'r2m.db') },
        },
      });
      bridge = createBridge({ config, log: o.log, now: () => run.clock });
      await bridge.start();
      watcher = await watch(bridge.mqtt.url!, [`${BASE}/#`]);
      seen = 0;
      // The start-up poll is under way at this clock: its result, not a second poll at the same time.
      const poller = bridge.pollers[0]!;
      await settle(await (poller.inFlight ?? poller.pollNow()));
    },
    async stop() {
      await watcher?.close();
      await bridge?.stop();
      watcher = undefined;
    },
    async poll(minutes = 1) {
      run.clock += minutes * MIN;
      await settle(await run.bridge.pollers[0]!.pollNow());
    },
    async swap(model) {
      await agent.stop();
      agent = await startSimAgent({ model, port, clock: () => run.clock });
    },
    lastRead(outlet) {
      return run.bridge.pollers[0]!.last[0]!.outlets.find((x) => x.outlet === outlet)!.energy_counter!;
    },
    drawnUntil(channel, time, models) {
      const drawn = (m: SimModel, from: number, to: number) => {
        if (channel > m.outlets) return 0;
        const e = (t: number) =>
          channel === 0 ? m.inletSample(1, t).energyWh : m.sample(1, channel, t).energyWh;
        return e(to) - e(from);
      };
      let sum = 0;
      for (let k = 1; k < served.length && served[k]! <= time; k++)
        sum += Math.max(...models.map((m) => drawn(m, served[k - 1]!, served[k]!)));
      return sum;
    },
    async close() {
      await run.stop();
      await agent.stop();
    },
  };
  return run;
}
