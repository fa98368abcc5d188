import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Bridge, createBridge } from '../../bridge/bridge.ts';
import { backfillDemo, createHistory, readingsFromSim } from '../../bridge/history/index.ts';
import { silentLogger } from '../../bridge/log.ts';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { loadConfig } from '../../config/load.ts';

/**
 * The whole bridge (bridge.ts: pollers, embedded broker, history, HTTP + panel) on the simulated
 * PX3-5892, as `npm run demo` runs it, on free ports and a temp database, with history backfilled
 * through the recording path first (the demo's backfill, shorter).
 */

export const PDU = 'pdu1';
const WRITE_COMMUNITY = 'e2e-write';

export interface BridgeStack {
  url: string;
  agent: SimAgent;
  bridge: Bridge;
  stop(): Promise<void>;
}

export async function startBridgeStack(
  opts: { days?: number; pollInterval?: number } = {},
): Promise<BridgeStack> {
  const dir = mkdtempSync(join(tmpdir(), 'r2m-e2e-'));
  const dbPath = join(dir, 'history.db');
  const agent = await startSimAgent({ port: 0, communities: { read: 'public', write: WRITE_COMMUNITY } });
  const config = loadConfig({
    env: {},
    overrides: {
      demo: true,
      pdus: [
        {
          id: PDU,
          host: agent.host,
          port: agent.port,
          community: 'public',
          writeCommunity: WRITE_COMMUNITY,
          pollInterval: opts.pollInterval ?? 5,
          // A paused agent (the offline test) is noticed within a few seconds.
          timeout: 1000,
          retries: 0,
        },
      ],
      snmp: { offlineAfter: 2 },
      db: { path: dbPath },
      http: { host: '127.0.0.1', port: 0 },
      mqtt: { host: '127.0.0.1', port: 0, wsPort: 0 },
    },
  } as Parameters<typeof loadConfig>[0]);
  const history = createHistory({ path: dbPath, log: silentLogger });
  history.start();
  const r = backfillDemo({
    history,
    model: readingsFromSim(agent.model, PDU),
    ids: [PDU],
    now: Date.now(),
    days: opts.days ?? 400,
    recentDays: 2,
  });
  await history.stop();
  if (r.error) throw new Error(`backfill: ${r.error}`);
  const bridge = createBridge({ config, log: silentLogger });
  await bridge.start();
  const http = bridge.http;
  if (!http) throw new Error('the bridge started no HTTP server');
  // The first poll, so the grid has its 36 outlets when the page opens.
  await Promise.all(bridge.pollers.map((p) => p.pollNow()));
  return {
    url: `http://127.0.0.1:${http.port}`,
    agent,
    bridge,
    async stop() {
      await bridge.stop();
      await agent.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
