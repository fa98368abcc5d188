import { EventEmitter } from 'node:events';
import type { Config, PduConfig } from '../config/load.ts';
import { type Commands, createCommands, type OutletControl } from './commands.ts';
import { createHistory, type History } from './history/history.ts';
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

export interface BridgeEvents {
  poll: [PollResult];
  availability: [{ id: string; online: boolean }];
}

export interface Bridge {
  start(): Promise<void>;
  /** Graceful: the poll in flight is recorded, `offline` published, the database closed. */
  stop(): Promise<void>;
  readonly pollers: readonly Poller[];
  readonly history: History;
  readonly mqtt: MqttBridge;
  readonly commands: Commands;
  readonly events: EventEmitter<BridgeEvents>;
  /** Connected MQTT URL (the embedded broker's when it runs). */
  readonly config: Config;
}

interface PduRuntime {
  pdu: PduConfig;
  reader: PduReader;
  writer: SnmpClient | undefined;
  poller: Poller;
}

export function createBridge({ config, log }: { config: Config; log: Logger }): Bridge {
  const events = new EventEmitter<BridgeEvents>();
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
    events.emit('poll', result);
  }

  for (const pdu of config.pdus) {
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
      offlineAfter: config.snmp.offlineAfter,
      reader,
      target,
      log,
      onResult,
      onAvailability: (online, ids) => {
        for (const id of ids) {
          mqtt.publishAvailability(id, online);
          events.emit('availability', { id, online });
        }
      },
    });
    runtimes.set(pdu.id, { pdu, reader, writer, poller });
  }

  return {
    async start() {
      history.start();
      await mqtt.start();
      for (const rt of runtimes.values()) rt.poller.start();
      log.info({ pdus: config.pdus.map((p) => p.id) }, 'bridge started');
    },
    async stop() {
      await Promise.all([...runtimes.values()].map((rt) => rt.poller.stop()));
      for (const rt of runtimes.values()) rt.writer?.close();
      await mqtt.stop();
      await history.stop();
      log.info('bridge stopped');
    },
    get pollers() {
      return [...runtimes.values()].map((rt) => rt.poller);
    },
    history,
    mqtt,
    commands,
    events,
    config,
  };
}
