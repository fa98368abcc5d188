import { randomBytes } from 'node:crypto';
import type { MqttConfig, PduConfig } from '../../config/types.ts';
import type { AvailabilityChange, Bus } from '../bus.ts';
import type { Commands } from '../commands.ts';
import type { Logger } from '../log.ts';
import type { PduReading, PollResult } from '../readings.ts';
import { createAnnouncer } from './announcer.ts';
import { createCoalescer } from './birth.ts';
import { createEmbeddedBroker, type EmbeddedBroker } from './broker.ts';
import { type Connection, openConnection, redactUrl } from './client.ts';
import { createOutbox } from './outbox.ts';
import { diagnosticsPayload, outletPayload, pduPayload } from './payloads.ts';
import { handleCommandMessage, retainedCommandLog } from './requests.ts';
import { createRestoreGuard } from './restore-guard.ts';
import { collectRetainedConfigs } from './retained.ts';
import { slug, topics } from './topics.ts';

/**
 * The MQTT side of the bridge, a consumer of the bus: retained state after every good poll (only what
 * changed, plus a refresh), availability exactly as the poller decides it, Home Assistant discovery
 * with its hygiene, and the command topics. While the broker is away the bridge keeps its current
 * state and republishes all of it when the broker is back. When another client overwrites one of the
 * bridge's own retained topics (its state, a PDU's availability, a discovery config), the bridge puts
 * its own value back.
 */

/**
 * The Config's mqtt section as it is (an unset url, credential or CA is null; wsPort null is "none").
 * The embedded broker's keys may be left out by a caller that brings its own broker.
 */
export type MqttBridgeOptions = Pick<
  MqttConfig,
  'port' | 'baseTopic' | 'discoveryPrefix' | 'discovery' | 'refreshInterval' | 'bridgeId'
> &
  Partial<Pick<MqttConfig, 'url' | 'wsPort' | 'host' | 'username' | 'password' | 'ca'>>;

/** What MQTT needs of a configured PDU; `canWrite` is hasWriteAccess. */
export type MqttPduOptions = Pick<
  PduConfig,
  'id' | 'allowSwitching' | 'protectedOutlets' | 'maxNameLength'
> & {
  canWrite: boolean;
};

export interface MqttBridgeDeps {
  log: Logger;
  mqtt: MqttBridgeOptions;
  pdus: MqttPduOptions[];
  commands: Commands;
  /** Polls and availability changes arrive here; without a bus, call publishPoll/publishAvailability. */
  bus?: Bus;
  /** How long start() waits for the first connection before going on without it, ms (10 s). */
  startWaitMs?: number;
  /** How long an overwrite of one of the bridge's own retained topics stands before it is restored, ms. */
  restoreDelayMs?: number;
}

export interface PollMeta {
  durationMs: number;
  requests: number;
}

export interface MqttBridge {
  readonly name: 'mqtt';
  start(): Promise<void>;
  stop(): Promise<void>;
  publishReading(reading: PduReading, meta: PollMeta): void;
  publishAvailability(id: string, online: boolean): void;
  /** A whole good poll: every unit's reading and the sweep of linked units gone. A failed poll changes nothing. */
  publishPoll(result: PollResult): void;
  readonly connected: boolean;
  /** The broker URL in use once started (the embedded broker's, with its real port), without credentials. */
  readonly url: string | undefined;
}

export function createMqttBridge({
  log,
  mqtt,
  pdus,
  commands,
  bus,
  startWaitMs = 10_000,
  restoreDelayMs = 1000,
}: MqttBridgeDeps): MqttBridge {
  const t = topics(mqtt);
  const unitTopics = new Map<string, Set<string>>(); // unit id -> its state topics
  const unsubscribe: (() => void)[] = [];
  let broker: EmbeddedBroker | undefined;
  let conn: Connection | undefined;
  let swept = !mqtt.discovery;
  let stopping = false;

  const online = () => Boolean(conn?.connected) && swept && !stopping;

  const outbox = createOutbox({
    refreshMs: mqtt.refreshInterval * 1000,
    online,
    send: (topic, payload) =>
      conn?.client.publish(topic, payload, { qos: 1, retain: true }, (err) => {
        if (err) log.warn({ topic, err: err.message }, 'publish failed');
      }),
  });
  const { sync, clear } = outbox;
  const announcer = createAnnouncer({ log, topics: t, options: mqtt, pdus, outbox });
  const restores = createRestoreGuard();

  // The bridge's own state is an outbox topic like the others, so it is restored when overwritten; the
  // broker publishes the last will ('offline') when the connection dies.
  outbox.setState(t.bridgeState, 'online');

  function flushAll(force: boolean): void {
    if (!online()) return;
    outbox.flushAll(force);
  }

  async function onConnect(): Promise<void> {
    if (!swept && conn) {
      const found = await collectRetainedConfigs({ client: conn.client, log, ...mqtt });
      swept = true;
      announcer.adopt(found);
    }
    flushAll(true);
    // Watching its own retained topics starts after the sweep (which subscribes to and leaves the
    // discovery filter) and after the flush, so what arrives first is the bridge's own values.
    conn?.client.subscribe(ownFilters, { qos: 1 });
  }

  const births = createCoalescer({
    run: () => {
      log.info('Home Assistant is online: re-announcing discovery and state');
      flushAll(true);
    },
  });

  const onRetained = retainedCommandLog(log);
  async function onMessage(topic: string, payload: Buffer, retain: boolean): Promise<void> {
    if (isOwnRetained(topic)) {
      if (online() && outbox.overwritten(topic, payload)) scheduleRestore(topic, payload);
      return;
    }
    if (topic === t.haStatus) {
      // HA's birth message: it may have restarted without its retained view, so announce again,
      // once per burst of births (birth.ts).
      if (payload.toString() === 'online' && mqtt.discovery) births.request();
      return;
    }
    const reply = await handleCommandMessage(mqtt.baseTopic, topic, payload, commands, {
      retain,
      onRetained,
    });
    if (!reply || !conn?.connected) return;
    conn.client.publish(t.response(reply.action), JSON.stringify(reply.response), { qos: 1, retain: false });
  }

  function publishReading(r: PduReading, meta: PollMeta): void {
    const id = r.id;
    const topics: string[] = [];
    const set = (topic: string, payload: unknown) => {
      outbox.setState(topic, JSON.stringify(payload));
      topics.push(topic);
    };
    set(t.pdu(id), pduPayload(r));
    for (const o of r.outlets) set(t.outlet(id, o.outlet), outletPayload(o));
    set(t.diagnostics(id), diagnosticsPayload(r.time, meta));
    // The unit's topic set is replaced only when it changed: a new one every poll would live a whole
    // cycle and be promoted, topic strings and all (docs/architecture.md, "Memory").
    const last = unitTopics.get(id);
    if (last === undefined || last.size !== topics.length || !topics.every((topic) => last.has(topic))) {
      const mine = new Set(topics);
      // Outlets that vanished at run time (a re-read outlet count) leave no retained ghost.
      for (const topic of last ?? []) if (!mine.has(topic)) clear(topic);
      unitTopics.set(id, mine);
    }
    if (mqtt.discovery) announcer.announce(r);
    for (const topic of topics) sync(topic);
  }

  function publishAvailability(id: string, isOnline: boolean): void {
    outbox.setState(t.availability(id), isOnline ? 'online' : 'offline');
    sync(t.availability(id));
  }

  /** The retained topics the bridge restores at once when another client overwrites them. */
  function isOwnRetained(topic: string): boolean {
    if (topic === t.bridgeState) return true;
    if (topic.endsWith('/availability')) return topic.startsWith(`${mqtt.baseTopic}/`);
    return mqtt.discovery && topic.startsWith(`${mqtt.discoveryPrefix}/device/`);
  }
  const ownFilters = [
    t.bridgeState,
    `${mqtt.baseTopic}/+/availability`,
    ...(mqtt.discovery ? [t.deviceConfigFilter] : []),
  ];

  // A restore waits a moment: a burst of overwrites is answered once, and a broker going down (which
  // may hand the bridge its own last will on the way out) gets no publish into a closing connection.
  const pendingRestores = new Map<string, NodeJS.Timeout>();
  function scheduleRestore(topic: string, payload: Buffer): void {
    if (pendingRestores.has(topic)) return;
    const timer = setTimeout(() => {
      pendingRestores.delete(topic);
      if (!online() || !outbox.overwritten(topic, payload)) return;
      const verdict = restores.allow(topic);
      if (verdict === 'restore') {
        log.warn({ topic }, "another client overwrote one of the bridge's retained topics: restored");
        outbox.sync(topic, true);
      } else if (verdict === 'give-up') {
        log.error(
          { topic },
          'another publisher keeps overwriting this topic (two bridges with the same mqtt.bridgeId and base topic?): no longer restoring it',
        );
      }
    }, restoreDelayMs);
    timer.unref();
    pendingRestores.set(topic, timer);
  }

  function onAvailability(change: AvailabilityChange): void {
    for (const id of change.units) publishAvailability(id, change.online);
  }

  let brokerUrl: string | undefined;
  return {
    name: 'mqtt',
    get connected() {
      return Boolean(conn?.connected);
    },
    get url() {
      return brokerUrl === undefined ? undefined : redactUrl(brokerUrl);
    },

    async start() {
      let url = mqtt.url;
      if (!url) {
        // The broker knows the bridge's topics: nobody else may publish its state or discovery.
        broker = createEmbeddedBroker({
          log,
          ...mqtt,
          wsPort: mqtt.wsPort || null,
          bridgeTopics: { baseTopic: mqtt.baseTopic, discoveryPrefix: mqtt.discoveryPrefix },
        });
        const { port, host } = await broker.start();
        const to =
          host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
        url = `mqtt://${to}:${port}`;
      }
      brokerUrl = url;
      conn = openConnection({
        log,
        url,
        // On the embedded broker the bridge logs in with its own credential, never the users'.
        ...(broker ? broker.bridgeLogin : { username: mqtt.username, password: mqtt.password }),
        ca: mqtt.ca,
        // Unique per process: a broker drops the older of two clients with one id, and a restarted
        // bridge must not fight the ghost of its previous run.
        clientId: `raritan2mqtt_${slug(mqtt.bridgeId)}_${randomBytes(4).toString('hex')}`,
        will: { topic: t.bridgeState, payload: 'offline' },
      });
      const client = conn.client;
      const ready = new Promise<void>((resolve) => {
        client.on('connect', () => {
          onConnect().then(resolve, (e: Error) => {
            log.warn({ err: e.message }, 'MQTT start-up after connect failed');
            resolve();
          });
        });
        // Never hold the daemon back: polling and recording go on while the broker is away.
        setTimeout(resolve, startWaitMs).unref();
      });
      client.on('message', (topic, payload, packet) => {
        onMessage(topic, payload, packet.retain).catch((e: Error) =>
          log.warn({ topic, err: e.message }, 'command handling failed'),
        );
      });
      const filters = [...t.commandFilters, ...(mqtt.discovery ? [t.haStatus] : [])];
      client.on('connect', (ack) => {
        if (!ack.sessionPresent) client.subscribe(filters, { qos: 1 });
      });
      if (bus) {
        unsubscribe.push(
          bus.on('poll', (result) => this.publishPoll(result), 'mqtt'),
          bus.on('availability', onAvailability, 'mqtt'),
        );
      }
      await ready;
    },

    async stop() {
      for (const off of unsubscribe.splice(0)) off();
      for (const timer of pendingRestores.values()) clearTimeout(timer);
      pendingRestores.clear();
      stopping = true;
      births.stop();
      await conn?.close({ topic: t.bridgeState, payload: 'offline' });
      await broker?.stop();
      conn = undefined;
      broker = undefined;
    },

    publishReading,
    publishAvailability,

    publishPoll(result) {
      // Availability is the poller's (bus 'availability'): a failed poll publishes nothing here.
      if (!result.ok) return;
      for (const unit of result.units) publishReading(unit, result);
      if (mqtt.discovery)
        announcer.unitsSeen(
          result.source,
          result.units.map((u) => u.id),
        );
    },
  };
}
