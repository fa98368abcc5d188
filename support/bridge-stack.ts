import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Bridge, createBridge } from '../bridge/controller.ts';
import type { BackfillRun } from '../bridge/history/consumer.ts';
import { backfillDemo, createHistory } from '../bridge/history/index.ts';
import { type Logger, silentLogger } from '../bridge/log.ts';
import { type SimAgent, startSimAgent } from '../bridge/sim/agent.ts';
import { withSimHardware } from '../bridge/sim/history-hardware.ts';
import { readingsFromSim } from '../bridge/sim/history-readings.ts';
import type { SimModelOptions } from '../bridge/sim/model-types.ts';
import { loadConfig } from '../config/load.ts';
import { freeUdpPort } from './ports.ts';

/**
 * The whole bridge (controller.ts: pollers, embedded broker, history, HTTP + panel) on the simulated
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
  /** The configured display name (`pdus[].name`), which wins over the PDU's own. */
  displayName?: string;
  /** Configured, but nothing answers on its port: a PDU that never answered (no agent, no history). */
  silent?: boolean;
}

export interface BridgeStack {
  url: string;
  /** The first PDU's agent. */
  agent: SimAgent;
  /** One agent per answering entry of `pdus` (silent ones have none), in that order. */
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
    /** HTTP config beyond the default (loopback, a free port): all interfaces, credentials, protectReads. */
    http?: { host?: string; protectReads?: boolean; token?: string; username?: string; password?: string };
    /** The database's directory (kept on stop: a second stack can start on it), or ':memory:'. */
    dir?: string;
    /** The bridge's logger (default silent). */
    log?: Logger;
    /** ms per SNMP attempt (default 1 s: a paused agent is noticed quickly). */
    snmpTimeout?: number;
  } = {},
): Promise<BridgeStack> {
  const dir = opts.dir && opts.dir !== ':memory:' ? opts.dir : mkdtempSync(join(tmpdir(), 'r2m-e2e-'));
  const dbPath = opts.dir === ':memory:' ? ':memory:' : join(dir, 'history.db');
  const sims = opts.pdus ?? [{ id: PDU }];
  const agents: SimAgent[] = [];
  const silentPorts = new Map<string, number>();
  for (const sim of sims.filter((x) => x.silent)) silentPorts.set(sim.id, await freeUdpPort());
  for (const sim of sims.filter((x) => !x.silent)) {
    const agent = await startSimAgent({
      port: 0,
      model: sim.model,
      communities: { read: 'public', write: WRITE_COMMUNITY },
    });
    if (sim.name) agent.model.setPduName(1, sim.name);
    agents.push(agent);
  }
  const agent = agents[0];
  if (!agent) throw new Error('startBridgeStack needs at least one answering PDU');
  const answering = sims.filter((x) => !x.silent);
  const agentOf = (sim: SimPdu) => agents[answering.indexOf(sim)];
  const config = loadConfig({
    env: {},
    overrides: {
      demo: true,
      pdus: sims.map((sim) => ({
        id: sim.id,
        ...(sim.displayName ? { name: sim.displayName } : {}),
        host: '127.0.0.1',
        port: silentPorts.get(sim.id) ?? agentOf(sim)?.port,
        community: 'public',
        writeCommunity: WRITE_COMMUNITY,
        pollInterval: opts.pollInterval ?? 5,
        // A paused agent (the offline test) is noticed within a few seconds.
        timeout: opts.snmpTimeout ?? 1000,
        retries: 0,
      })),
      snmp: { offlineAfter: 2 },
      db: { path: dbPath },
      http: { host: '127.0.0.1', port: 0, ...opts.http },
      mqtt: { host: '127.0.0.1', port: 0, wsPort: 0 },
    },
  } as Parameters<typeof loadConfig>[0]);
  // History first, through the recording path (none for a database in memory, and none for days: 0, a
  // fresh install: the history starts with the first live poll).
  if (dbPath !== ':memory:' && opts.days !== 0 && !opts.fill) {
    const history = createHistory({ path: dbPath, log: silentLogger });
    history.start();
    const models = answering.flatMap((sim) => {
      const a = agentOf(sim);
      return a ? [withSimHardware(a.model, readingsFromSim(a.model, sim.id))] : [];
    });
    const r = backfillDemo({
      history,
      model: (t) => models.flatMap((m) => m(t)),
      ids: answering.map((sim) => sim.id),
      now: Date.now(),
      days: opts.days ?? 400,
      recentDays: 2,
    });
    await history.stop();
    if (r.error) throw new Error(`backfill: ${r.error}`);
  }
  const bridge = createBridge({
    config,
    log: opts.log ?? silentLogger,
    ...(opts.uiDir ? { uiDir: opts.uiDir } : {}),
    ...(opts.fill ? { backfill: opts.fill } : {}),
  });
  try {
    await bridge.start();
  } catch (error) {
    // A start that fails (a test of it) leaves nothing running behind.
    await bridge.stop().catch(() => undefined);
    for (const a of agents) await a.stop();
    if (dir !== opts.dir) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const http = bridge.http;
  if (!http) throw new Error('the bridge started no HTTP server');
  // The first poll (the start-up one, where it is under way), so the grid has its outlets when the page opens.
  await Promise.all(bridge.pollers.map((p) => p.inFlight ?? p.pollNow()));
  return {
    url: `http://127.0.0.1:${http.port}`,
    agent,
    agents,
    bridge,
    async stop() {
      await bridge.stop();
      for (const a of agents) await a.stop();
      if (dir !== opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
