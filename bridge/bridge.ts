import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config, PduConfig } from '../config/load.ts';
import { type Commands, createCommands, type OutletControl } from './commands.ts';
import { createHistory, type History } from './history/history.ts';
import { createHttpServer } from './http/server.ts';
import { createLiveHub, createStatusBoard, type LiveHub, type StatusBoard } from './http/sources.ts';
import type { Logger } from './log.ts';
import { createMqttBridge, type MqttBridge } from './mqtt/bridge.ts';
import { createPoller, type Poller } from './poller.ts';
import type { PollResult } from './readings.ts';
import { createOutletControl } from './snmp/control.ts';
import { createPduReader, type PduReader } from './snmp/reader.ts';
import { createSnmpClient, type SnmpClient } from './snmp/session.ts';
import { readTarget, writeTarget } from './snmp/targets.ts';

/**
 * The controller: wires one poller per PDU to its consumers. Data flows one way, poll → reading →
 * {history, MQTT, live events}; commands (MQTT and HTTP alike) go through one command module and end
 * in a re-poll, so a new name or state reaches every consumer the normal way.
 */

/** The built panel (npm run build). */
export const UI_DIR = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'ui/dist');

export interface Bridge {
  start(): Promise<void>;
  /** Graceful: the poll in flight is recorded, `offline` published, the database closed. */
  stop(): Promise<void>;
  readonly pollers: readonly Poller[];
  readonly history: History;
  readonly mqtt: MqttBridge;
  readonly commands: Commands;
  /** Every poll and availability change, as the panel's event stream sees them. */
  readonly live: LiveHub;
  readonly status: StatusBoard;
  readonly config: Config;
  /** Where the HTTP server listens, once started. */
  readonly http: { port: number; host: string } | undefined;
}

interface PduRuntime {
  pdu: PduConfig;
  reader: PduReader;
  writer: SnmpClient | undefined;
  poller: Poller;
}

export function createBridge({
  config,
  log,
  uiDir = UI_DIR,
}: {
  config: Config;
  log: Logger;
  uiDir?: string;
}): Bridge {
  const live = createLiveHub();
  const history = createHistory({
    path: config.db.path,
    log,
    rawRetentionDays: config.db.rawRetentionDays,
    rollupRetentionYears: config.db.rollupRetentionYears,
  });
  const runtimes = new Map<string, PduRuntime>();

  /** unit topic id ("pdu1", "pdu1-2") → its PDU runtime and unit number. */
  function resolveUnit(id: string): { rt: PduRuntime; unit: number } | undefined {
    for (const rt of runtimes.values()) {
      const unit = rt.reader.layout?.units.find(
        (u) => (u.unit === 1 ? rt.pdu.id : `${rt.pdu.id}-${u.unit}`) === id,
      );
      if (unit) return { rt, unit: unit.unit };
    }
    return undefined;
  }

  const controls = new Map<string, OutletControl>();
  function control(id: string): OutletControl | undefined {
    const found = resolveUnit(id);
    if (!found) return undefined;
    let c = controls.get(id);
    if (!c) {
      const { rt, unit } = found;
      c = createOutletControl({
        unit,
        outlets: () => rt.reader.layout?.units.find((u) => u.unit === unit)?.outlets.length ?? 0,
        writeClient: rt.writer,
        readClient: rt.reader.client,
        allowSwitching: rt.pdu.allowSwitching,
        maxNameLength: rt.pdu.maxNameLength,
        changed: () => rt.reader.invalidate(),
      });
      controls.set(id, c);
    }
    return c;
  }

  const commands = createCommands({
    log,
    control,
    afterChange: async (id) => {
      await resolveUnit(id)?.rt.poller.pollNow();
    },
  });

  const mqtt = createMqttBridge({
    log,
    mqtt: {
      url: config.mqtt.url ?? undefined,
      port: config.mqtt.port,
      wsPort: config.mqtt.wsPort,
      host: config.mqtt.host,
      username: config.mqtt.username ?? undefined,
      password: config.mqtt.password ?? undefined,
      ca: config.mqtt.ca ?? undefined,
      baseTopic: config.mqtt.baseTopic,
      discoveryPrefix: config.mqtt.discoveryPrefix,
      discovery: config.mqtt.discovery,
      refreshInterval: config.mqtt.refreshInterval,
      bridgeId: config.mqtt.bridgeId,
    },
    pdus: config.pdus.map((p) => ({
      id: p.id,
      allowSwitching: p.allowSwitching,
      maxNameLength: p.maxNameLength,
    })),
    commands,
  });

  function onResult(result: PollResult): void {
    if (result.ok) {
      const recorded = history.record(result.units);
      if (!recorded.ok)
        log.error({ pdu: result.source, error: recorded.error }, 'history: poll not recorded');
    } else {
      const rt = runtimes.get(result.source);
      const ids = rt?.poller.last.length ? rt.poller.last.map((u) => u.id) : [result.source];
      for (const id of ids) history.recordOffline(id, result.time);
    }
    mqtt.publishPoll(result);
    status.observe(result);
    if (result.ok) live.emit({ type: 'reading', readings: result.units });
  }

  for (const [index, pdu] of config.pdus.entries()) {
    const target = readTarget(pdu, config.snmp.maxVarbinds);
    const reader = createPduReader({
      source: pdu.id,
      target,
      layoutRefreshMs: config.snmp.namesRefresh * 1000,
    });
    const wt = writeTarget(pdu);
    const writer = wt ? createSnmpClient(wt) : undefined;
    const poller = createPoller({
      id: pdu.id,
      intervalMs: pdu.pollInterval * 1000,
      phaseMs: Math.floor((index / config.pdus.length) * pdu.pollInterval * 1000),
      offlineAfter: config.snmp.offlineAfter,
      reader,
      target,
      log,
      onResult,
      onAvailability: (online, ids) => {
        for (const id of ids) mqtt.publishAvailability(id, online);
        live.emit({ type: 'availability', pdus: ids, online, time: Date.now() });
      },
    });
    runtimes.set(pdu.id, { pdu, reader, writer, poller });
  }

  const pollers = () => [...runtimes.values()].map((rt) => rt.poller);
  const status = createStatusBoard(pollers);
  const http = createHttpServer({
    log,
    config: {
      port: config.http.port,
      host: config.http.host,
      token: config.http.token ?? undefined,
      username: config.http.username ?? undefined,
      password: config.http.password ?? undefined,
      protectReads: config.http.protectReads,
      dbPath: config.db.path,
    },
    history,
    commands,
    live,
    status,
    uiDir,
    demo: config.demo,
    // Bridge health that lives outside the pollers: is the MQTT side connected?
    metrics: () => [
      {
        name: 'raritan2mqtt_mqtt_connected',
        help: '1 while the bridge is connected to its MQTT broker',
        type: 'gauge',
        samples: [{ value: mqtt.connected ? 1 : 0 }],
      },
    ],
  });
  let httpAddress: { port: number; host: string } | undefined;

  return {
    async start() {
      history.start();
      await mqtt.start();
      httpAddress = await http.start();
      for (const p of pollers()) p.start();
      log.info({ pdus: config.pdus.map((p) => p.id), http: httpAddress }, 'bridge started');
    },
    async stop() {
      await Promise.all(pollers().map((p) => p.stop()));
      for (const rt of runtimes.values()) rt.writer?.close();
      await http.stop();
      await mqtt.stop();
      await history.stop();
      log.info('bridge stopped');
    },
    get pollers() {
      return pollers();
    },
    history,
    mqtt,
    commands,
    live,
    status,
    config,
    get http() {
      return httpAddress;
    },
  };
}
