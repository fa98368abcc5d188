import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Bridge, createBridge } from '../../bridge/bridge.ts';
import { backfill } from '../../bridge/history/backfill.ts';
import { createHistory, type History } from '../../bridge/history/history.ts';
import type { MetricFamily } from '../../bridge/http/types.ts';
import { silentLogger } from '../../bridge/log.ts';
import type { Poller } from '../../bridge/poller.ts';
import type { OutletReading, PduReading } from '../../bridge/readings.ts';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import type { SimModel } from '../../bridge/sim/types.ts';
import { loadConfig } from '../../config/load.ts';

/**
 * The bridge as the daemon builds it (bridge/bridge.ts: poller, SQLite history in a temp dir, embedded
 * broker, command module, HTTP server) on the simulated PX3-5892, for the API tests; history is
 * backfilled from the simulator's own model first.
 */

export const repoRoot = resolve(fileURLToPath(import.meta.url), '../../..');
export const PDU = 'pdu1';
export const READ_COMMUNITY = 'public';
export const WRITE_COMMUNITY = 'sim-write-secret';

export interface Stack {
  url: string;
  agent: SimAgent;
  history: History;
  poller: Poller;
  bridge: Bridge;
  stop(): Promise<void>;
}

export interface StackOptions {
  http?: { token?: string; username?: string; password?: string };
  /** Backfill spans, newest last: [days back, step minutes]. */
  backfill?: { days: number; stepMinutes: number }[];
  pollIntervalMs?: number;
  uiDir?: string;
  demo?: boolean;
  metrics?: () => MetricFamily[];
  heartbeatMs?: number;
}

/** The simulator's truth at `time` as a PduReading (what a poll of the agent would decode). */
export function readingFromModel(model: SimModel, id: string, time: number): PduReading {
  const ident = model.identity(1);
  const outlets: OutletReading[] = [];
  for (let o = 1; o <= model.outlets; o++) {
    const s = model.sample(1, o, time);
    outlets.push({
      outlet: o,
      label: String(o),
      name: model.outletName(1, o),
      state: s.on ? 'on' : 'off',
      power: Math.round(s.power),
      apparent_power: Math.round(s.apparentPower),
      current: Math.round(s.current * 1000) / 1000,
      voltage: Math.round(s.voltage),
      power_factor: s.powerFactor === null ? null : Math.round(s.powerFactor * 100) / 100,
      energy: Math.floor(s.energyWh) / 1000,
      energy_counter: s.energyCounter,
    });
  }
  const inlet = model.inletSample(1, time);
  return {
    id,
    source: id,
    unit: 1,
    time,
    identity: { name: model.pduName(1), model: ident.model, serial: ident.serial, firmware: ident.firmware },
    inlet: {
      power: Math.round(inlet.power),
      apparent_power: Math.round(inlet.apparentPower),
      current: Math.round(inlet.current * 1000) / 1000,
      voltage: Math.round(inlet.voltage),
      power_factor: inlet.powerFactor === null ? null : Math.round(inlet.powerFactor * 100) / 100,
      frequency: Math.round(inlet.frequency * 10) / 10,
      energy: Math.floor(inlet.energyWh) / 1000,
    },
    outlets,
    outlets_on: outlets.filter((o) => o.state === 'on').length,
  };
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const log = silentLogger;
  const dir = mkdtempSync(join(tmpdir(), 'r2m-http-'));
  const dbPath = join(dir, 'history.db');
  const agent = await startSimAgent({
    model: { seed: 7 },
    communities: { read: READ_COMMUNITY, write: WRITE_COMMUNITY },
  });
  // History first, through the recording path, before any live poll lands after it.
  const history = createHistory({ path: dbPath, log });
  history.start();
  const now = Date.now();
  const spans = options.backfill ?? [];
  spans.forEach((span, i) => {
    const next = spans[i + 1];
    const from = now - span.days * 86_400_000;
    const to = next ? now - next.days * 86_400_000 : now - 60_000;
    const step = span.stepMinutes * 60_000;
    const r = backfill({
      history,
      model: (t) => [readingFromModel(agent.model, PDU, t)],
      from: Math.ceil(from / step) * step,
      to,
      stepMs: step,
    });
    if (r.error) throw new Error(`backfill: ${r.error}`);
  });
  await history.stop();

  // The same bridge the daemon builds (bridge/bridge.ts), on free ports.
  const config = loadConfig({
    env: {},
    overrides: {
      demo: options.demo ?? true,
      pdus: [
        {
          id: PDU,
          host: agent.host,
          port: agent.port,
          community: READ_COMMUNITY,
          writeCommunity: WRITE_COMMUNITY,
          pollInterval: (options.pollIntervalMs ?? 60_000) / 1000,
          timeout: 1500,
          retries: 1,
        },
      ],
      snmp: { offlineAfter: 2 },
      db: { path: dbPath },
      http: { host: '127.0.0.1', port: 0, ...options.http },
      mqtt: { host: '127.0.0.1', port: 0, wsPort: 0 },
    },
  });
  const bridge = createBridge({
    config,
    log,
    uiDir: options.uiDir ?? join(repoRoot, 'ui/dist'),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
  });
  await bridge.start();
  const poller = bridge.pollers[0];
  const address = bridge.http;
  if (!poller || !address) throw new Error('the bridge started without its poller or HTTP server');
  await poller.pollNow();
  return {
    url: `http://127.0.0.1:${address.port}`,
    agent,
    history: bridge.history,
    poller,
    bridge,
    async stop() {
      await bridge.stop();
      await agent.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
