import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Config, hasWriteAccess } from '../config/load.ts';
import { type Bus, type Consumer, createBus } from './bus.ts';
import { type Commands, createCommands } from './commands.ts';
import { createEnergyTracker } from './facts/energy-tracker.ts';
import { createEventFeed } from './facts/event-feed.ts';
import { type BackfillRun, createHistoryConsumer } from './history/consumer.ts';
import { createHistory, type History } from './history/history.ts';
import type { MetricFamily, StatusSource } from './http/deps.ts';
import { createHttpServer } from './http/server.ts';
import { createStatusBoard } from './http/status.ts';
import type { Logger } from './log.ts';
import { createMqttConsumer, type MqttConsumer } from './mqtt/consumer.ts';
import { pduWebPage } from './mqtt/discovery.ts';
import { createPoller, type Poller } from './poller.ts';
import { createBridgeSelf } from './self.ts';
import { createPduReader } from './snmp/reader.ts';
import { createSnmpClient } from './snmp/session.ts';
import { readTarget, writeTarget } from './snmp/targets.ts';
import { createPollScheduler } from './traps/poll-scheduler.ts';
import { createTrapSource } from './traps/source.ts';
import { type PduRuntime, unitControls } from './unit-controls.ts';

/**
 * The controller (docs/architecture.md): one poller per PDU is a source on the bus; the consumers
 * (history, MQTT, the HTTP server's live stream, and whatever a caller adds) each subscribe to the
 * bus and never to each other. Commands (MQTT and HTTP alike) go through one command module and end
 * in a re-poll, so a new name or state reaches every consumer the normal way. The daemon, the demo
 * and the tests build the bridge with this one function.
 */

/** The built panel (npm run build). */
export const UI_DIR = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'ui/dist');

export interface Bridge {
  start(): Promise<void>;
  /** Graceful: the poll in flight is recorded, `offline` published, the database closed. */
  stop(): Promise<void>;
  readonly pollers: readonly Poller[];
  readonly bus: Bus;
  readonly history: History;
  readonly mqtt: MqttConsumer;
  readonly commands: Commands;
  readonly status: StatusSource;
  readonly consumers: readonly Consumer[];
  readonly config: Config;
  /** Where the HTTP server listens, once started. */
  readonly http: { port: number; host: string } | undefined;
}

/** What an added consumer may use: the bus, the shared stores and the pollers' state. */
export interface ConsumerContext {
  bus: Bus;
  history: History;
  status: StatusSource;
  config: Config;
  log: Logger;
}

export interface BridgeOptions {
  config: Config;
  log: Logger;
  uiDir?: string;
  /** More consumers, started after the built-in ones (one entry each). */
  consumers?: readonly ((ctx: ConsumerContext) => Consumer)[];
  /** Extra /metrics families (tests). */
  metrics?: () => MetricFamily[];
  /** SSE heartbeat, ms (tests). */
  heartbeatMs?: number;
  /** The pollers' and readers' clock, ms (tests that drive a simulated PDU's clock). */
  now?: () => number;
  /** Fills the history's past behind the running bridge (the demo's year); live polls wait for it. */
  backfill?: BackfillRun;
}

export function createBridge(options: BridgeOptions): Bridge {
  const { config, log, uiDir = UI_DIR, now } = options;
  const bus = createBus(log);
  // One owner of every channel's energy: its state is restored from the history at start and saved
  // with each recorded poll, so MQTT and history see the same totals across restarts (docs/energy.md).
  const energy = createEnergyTracker();
  const history = createHistory({
    path: config.db.path,
    log,
    rawRetentionDays: config.db.rawRetentionDays,
    rollupRetentionYears: config.db.rollupRetentionYears,
  });
  const runtimes = new Map<string, PduRuntime>();

  const { resolveUnit, control } = unitControls(runtimes);

  // "Poll this PDU now" (a trap, Home Assistant's button, poll_now): coalesced and rate-limited per PDU.
  const scheduler = createPollScheduler({
    log,
    target: (source) => {
      const rt = runtimes.get(source);
      return rt && { pollNow: () => rt.poller.pollNow(), invalidate: () => rt.reader.invalidate() };
    },
  });

  // A trap from a configured PDU only ever asks for a poll of it (docs/security.md, "SNMP traps").
  const traps = createTrapSource({
    config,
    log,
    bus,
    serialOwner: (serial) =>
      [...runtimes.values()].find((rt) => rt.reader.layout?.units.some((u) => u.serial === serial))?.pdu.id,
  });
  bus.on('trap', (trap) => scheduler.request(trap.source, { layout: trap.layout }), 'poll-scheduler');

  const commands = createCommands({
    log,
    control,
    unavailable: (id) => {
      const rt = runtimes.get(id);
      if (!rt) return undefined;
      return rt.poller.online === false
        ? `${id} is offline (${rt.pdu.host}:${rt.pdu.port} does not answer)`
        : `${id} has not answered yet (${rt.pdu.host}:${rt.pdu.port})`;
    },
    afterChange: async (id) => {
      await resolveUnit(id)?.rt.poller.pollNow();
    },
    sources: () => [...runtimes.keys()],
    sourceOf: (id) => (runtimes.has(id) ? id : resolveUnit(id)?.rt.pdu.id),
    requestPoll: (source) => scheduler.request(source),
    republish: () => mqtt.republish(),
  });

  for (const [index, pdu] of config.pdus.entries()) {
    const target = readTarget(pdu, config.snmp.maxVarbinds);
    const reader = createPduReader({
      source: pdu.id,
      target,
      layoutRefreshMs: config.snmp.namesRefresh * 1000,
      now,
    });
    const wt = writeTarget(pdu);
    const writer = wt ? createSnmpClient(wt) : undefined;
    const poller = createPoller({
      id: pdu.id,
      intervalMs: pdu.pollInterval * 1000,
      phaseMs: Math.floor((index / config.pdus.length) * pdu.pollInterval * 1000),
      offlineAfter: config.snmp.offlineAfter,
      reader,
      displayName: pdu.name,
      target,
      log,
      energy,
      now,
      onResult: (result) => bus.emit('poll', result),
      onAvailability: (change) => bus.emit('availability', change),
    });
    runtimes.set(pdu.id, { pdu, reader, writer, poller });
  }

  const pollers = () => [...runtimes.values()].map((rt) => rt.poller);
  const status = createStatusBoard(pollers, config.pdus);

  const self = createBridgeSelf({
    config,
    log,
    status,
    mqttConnected: () => mqtt.connected,
    traps: () => traps,
    requestedPolls: (source) => scheduler.polls.get(source) ?? 0,
  });

  const mqtt = createMqttConsumer({
    log,
    bus,
    self,
    mqtt: config.mqtt,
    pdus: config.pdus.map((p) => ({
      id: p.id,
      allowSwitching: p.allowSwitching,
      canWrite: hasWriteAccess(p),
      protectedOutlets: p.protectedOutlets,
      maxNameLength: p.maxNameLength,
      configurationUrl: pduWebPage(p.host),
    })),
    commands,
  });

  const historyConsumer = createHistoryConsumer({ bus, history, log, backfill: options.backfill });
  const httpServer = createHttpServer({
    log,
    backfill: historyConsumer.backfill,
    config: config.http,
    dbPath: config.db.path,
    history,
    commands,
    bus,
    status,
    uiDir,
    demo: config.demo,
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    // Bridge health that lives outside the pollers: is the MQTT side connected?
    metrics: () => [
      {
        name: 'raritan2mqtt_mqtt_connected',
        help: '1 while the bridge is connected to its MQTT broker',
        type: 'gauge',
        samples: [{ value: mqtt.connected ? 1 : 0 }],
      },
      ...traps.metrics(),
      ...(options.metrics?.() ?? []),
    ],
  });
  let httpAddress: { port: number; host: string } | undefined;
  const http: Consumer = {
    name: 'http',
    async start() {
      httpAddress = await httpServer.start();
    },
    stop: () => httpServer.stop(),
  };

  const context: ConsumerContext = { bus, history, status, config, log };
  const consumers: Consumer[] = [
    historyConsumer,
    mqtt,
    http,
    // After MQTT: an event is published once the state it tells of is.
    createEventFeed(bus),
    ...(options.consumers ?? []).map((make) => make(context)),
  ];

  return {
    async start() {
      history.start();
      energy.restore(history.energyStates());
      for (const c of consumers) await c.start();
      for (const p of pollers()) p.start();
      await traps.start();
      log.info({ pdus: config.pdus.map((p) => p.id), http: httpAddress }, 'bridge started');
    },
    async stop() {
      // Sources first, so the poll in flight still reaches every consumer; then consumers in reverse.
      await traps.stop();
      scheduler.stop();
      await Promise.all(pollers().map((p) => p.stop()));
      for (const rt of runtimes.values()) rt.writer?.close();
      for (const c of [...consumers].reverse()) await c.stop();
      await history.stop();
      log.info('bridge stopped');
    },
    get pollers() {
      return pollers();
    },
    bus,
    history,
    mqtt,
    commands,
    status,
    consumers,
    config,
    get http() {
      return httpAddress;
    },
  };
}
