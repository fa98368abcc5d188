import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Bridge, createBridge } from '../../bridge/controller.ts';
import { backfill } from '../../bridge/history/backfill.ts';
import { createHistory, type History } from '../../bridge/history/history.ts';
import type { MetricFamily } from '../../bridge/http/deps.ts';
import { silentLogger } from '../../bridge/log.ts';
import type { Poller } from '../../bridge/poller.ts';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { readingsFromSim } from '../../bridge/sim/history-readings.ts';
import { loadConfig } from '../../config/load.ts';

/**
 * The bridge as the daemon builds it (bridge/controller.ts: poller, SQLite history in a temp dir, embedded
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
      model: readingsFromSim(agent.model, PDU),
      from: Math.ceil(from / step) * step,
      to,
      stepMs: step,
    });
    if (r.error) throw new Error(`backfill: ${r.error}`);
  });
  await history.stop();

  // The same bridge the daemon builds (bridge/controller.ts), on free ports.
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
