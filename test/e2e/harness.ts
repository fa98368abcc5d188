import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCommands } from '../../bridge/commands.ts';
import { backfill } from '../../bridge/history/backfill.ts';
import { createHistory, type History } from '../../bridge/history/history.ts';
import { createHttpServer } from '../../bridge/http/server.ts';
import { createLiveHub, createStatusBoard } from '../../bridge/http/sources.ts';
import type { HttpConfig, MetricFamily } from '../../bridge/http/types.ts';
import { silentLogger } from '../../bridge/log.ts';
import { createPoller, type Poller } from '../../bridge/poller.ts';
import type { OutletReading, PduReading } from '../../bridge/readings.ts';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import type { SimModel } from '../../bridge/sim/types.ts';
import { createOutletControl } from '../../bridge/snmp/control.ts';
import { createPduReader } from '../../bridge/snmp/reader.ts';
import { createSnmpClient, type SnmpTarget } from '../../bridge/snmp/session.ts';

/**
 * A bridge on the simulated PX3-5892 from the real pieces (sim agent, SNMP reader, poller, SQLite
 * history in a temp dir, command module, HTTP server), for the API and panel tests. It is what
 * bridge.ts wires, minus MQTT; history is backfilled from the simulator's own model.
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
  stop(): Promise<void>;
}

export interface StackOptions {
  http?: Partial<HttpConfig>;
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
  const agent = await startSimAgent({
    model: { seed: 7 },
    communities: { read: READ_COMMUNITY, write: WRITE_COMMUNITY },
  });
  const history = createHistory({ path: join(dir, 'history.db'), log });
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

  const target: SnmpTarget = {
    host: agent.host,
    port: agent.port,
    version: '2c',
    community: READ_COMMUNITY,
    timeout: 1500,
    retries: 1,
  };
  const reader = createPduReader({ source: PDU, target, layoutRefreshMs: 300_000 });
  const writer = createSnmpClient({ ...target, community: WRITE_COMMUNITY, maxVarbinds: 8 });
  const live = createLiveHub();
  let poller: Poller | undefined;
  const status = createStatusBoard(() => (poller ? [poller] : []));
  poller = createPoller({
    id: PDU,
    intervalMs: options.pollIntervalMs ?? 60_000,
    offlineAfter: 2,
    reader,
    target,
    log,
    onResult: (result) => {
      if (result.ok) history.record(result.units);
      else history.recordOffline(PDU, result.time);
      status.observe(result);
      if (result.ok) live.emit({ type: 'reading', readings: result.units });
    },
    onAvailability: (online, pdus) => live.emit({ type: 'availability', pdus, online, time: Date.now() }),
  });
  const control = createOutletControl({
    unit: 1,
    outlets: () => reader.layout?.units.find((u) => u.unit === 1)?.outlets.length ?? 0,
    switchable: (n) => reader.layout?.units[0]?.outlets.find((o) => o.outlet === n)?.switchable ?? false,
    writeClient: writer,
    readClient: reader.client,
    allowSwitching: false,
    maxNameLength: 64,
    changed: () => reader.invalidate(),
  });
  const commands = createCommands({
    log,
    control: (id) => (id === PDU ? control : undefined),
    afterChange: async () => {
      await poller?.pollNow();
    },
  });
  const http = createHttpServer({
    log,
    config: { port: 0, host: '127.0.0.1', ...options.http },
    history,
    commands,
    live,
    status,
    metrics: options.metrics,
    heartbeatMs: options.heartbeatMs,
    uiDir: options.uiDir ?? join(repoRoot, 'ui/dist'),
    demo: options.demo ?? true,
  });
  poller.start();
  await poller.pollNow();
  const { port } = await http.start();
  return {
    url: `http://127.0.0.1:${port}`,
    agent,
    history,
    poller,
    async stop() {
      await http.stop();
      await poller?.stop();
      writer.close();
      await history.stop();
      await agent.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
