import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Bridge, createBridge } from '../../bridge/bridge.ts';
import type { BackfillRun } from '../../bridge/history/consumer.ts';
import { backfillDemo, createHistory, readingsFromSim } from '../../bridge/history/index.ts';
import { silentLogger } from '../../bridge/log.ts';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import type { SimModelOptions } from '../../bridge/sim/types.ts';
import { loadConfig } from '../../config/load.ts';

/**
 * The whole bridge (bridge.ts: pollers, embedded broker, history, HTTP + panel) on the simulated
 * PX3-5892, as `npm run demo` runs it, on free ports and a temp database, with history backfilled
 * through the recording path first (the demo's backfill, shorter). `pdus` puts several simulated
 * agents behind the one bridge (each its own PDU in the config); the default is one PX3-5892, `pdu1`.
 */

export const PDU = 'pdu1';
const WRITE_COMMUNITY = 'e2e-write';

export interface SimPdu {
  id: string;
  model?: SimModelOptions;
  /** The PDU's own name (pxInetName), as its owner set it; default '' (the panel shows the id). */
  name?: string;
}

export interface BridgeStack {
  url: string;
  /** The first PDU's agent. */
  agent: SimAgent;
  /** One agent per entry of `pdus`, in that order. */
  agents: SimAgent[];
  bridge: Bridge;
  stop(): Promise<void>;
}

export async function startBridgeStack(
  opts: {
    days?: number;
    pollInterval?: number;
    pdus?: SimPdu[];
    uiDir?: string;
    /** Fill the history behind the running bridge instead of before it (the demo's way). */
    fill?: BackfillRun;
  } = {},
): Promise<BridgeStack> {
  const dir = mkdtempSync(join(tmpdir(), 'r2m-e2e-'));
  const dbPath = join(dir, 'history.db');
  const sims = opts.pdus ?? [{ id: PDU }];
  const agents: SimAgent[] = [];
  for (const sim of sims) {
    const agent = await startSimAgent({
      port: 0,
      model: sim.model,
      communities: { read: 'public', write: WRITE_COMMUNITY },
    });
    if (sim.name) agent.model.setPduName(1, sim.name);
    agents.push(agent);
  }
  const agent = agents[0];
  if (!agent) throw new Error('startBridgeStack needs at least one PDU');
  const config = loadConfig({
    env: {},
    overrides: {
      demo: true,
      pdus: sims.map((sim, i) => ({
        id: sim.id,
        host: agents[i]?.host,
        port: agents[i]?.port,
        community: 'public',
        writeCommunity: WRITE_COMMUNITY,
        pollInterval: opts.pollInterval ?? 5,
        // A paused agent (the offline test) is noticed within a few seconds.
        timeout: 1000,
        retries: 0,
      })),
      snmp: { offlineAfter: 2 },
      db: { path: dbPath },
      http: { host: '127.0.0.1', port: 0 },
      mqtt: { host: '127.0.0.1', port: 0, wsPort: 0 },
    },
  } as Parameters<typeof loadConfig>[0]);
  const history = createHistory({ path: dbPath, log: silentLogger });
  history.start();
  const r = opts.fill
    ? { polls: 0, rows: 0 }
    : backfillDemo({
        history,
        model: (t) =>
          sims.flatMap((sim, i) => (agents[i] ? readingsFromSim(agents[i].model, sim.id)(t) : [])),
        ids: sims.map((sim) => sim.id),
        now: Date.now(),
        days: opts.days ?? 400,
        recentDays: 2,
      });
  await history.stop();
  if (r.error) throw new Error(`backfill: ${r.error}`);
  const bridge = createBridge({
    config,
    log: silentLogger,
    ...(opts.uiDir ? { uiDir: opts.uiDir } : {}),
    ...(opts.fill ? { backfill: opts.fill } : {}),
  });
  await bridge.start();
  const http = bridge.http;
  if (!http) throw new Error('the bridge started no HTTP server');
  // The first poll, so the grid has its outlets when the page opens.
  await Promise.all(bridge.pollers.map((p) => p.pollNow()));
  return {
    url: `http://127.0.0.1:${http.port}`,
    agent,
    agents,
    bridge,
    async stop() {
      await bridge.stop();
      for (const a of agents) await a.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
