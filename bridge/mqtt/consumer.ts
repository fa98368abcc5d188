import { randomBytes } from 'node:crypto';
import type { AvailabilityChange } from '../bus.ts';
import type { PduReading } from '../readings.ts';
import { createAnnouncer } from './announcer.ts';
import { createBacklog } from './backlog.ts';
import { createCoalescer } from './birth.ts';
import { createEmbeddedBroker, type EmbeddedBroker } from './broker.ts';
import { type Connection, openConnection, redactUrl } from './client.ts';
import type { MqttConsumer, MqttConsumerDeps, PollMeta } from './consumer-types.ts';
import { bridgeDeviceKey } from './discovery.ts';
import { createOutbox } from './outbox.ts';
import { createOwnTopics } from './own-topics.ts';
import { diagnosticsPayload, outletPayload, pduPayload } from './payloads.ts';
import { breakerPayload, sensorPayload } from './payloads-hardware.ts';
import { handleCommandMessage, retainedCommandLog } from './requests.ts';
import { collectRetainedConfigs } from './retained.ts';
import { type BridgeSurface, createBridgeSurface } from './surface.ts';
import { slug, topics } from './topics.ts';

export type {
  MqttConsumer,
  MqttConsumerDeps,
  MqttOptions,
  MqttPduOptions,
  PollMeta,
} from './consumer-types.ts';

/**
 * The MQTT side of the bridge, a consumer of the bus: retained state after every good poll (only what
 * changed, plus a refresh), availability exactly as the poller decides it, Home Assistant discovery
 * with its hygiene, and the command topics. While the broker is away the bridge keeps its current
 * state and republishes all of it when the broker is back. When another client overwrites one of the
 * bridge's own retained topics (its state, a PDU's availability, a discovery config), the bridge puts
 * its own value back.
 */

export function createMqttConsumer({
  log,
  mqtt,
  pdus,
  commands,
  bus,
  startWaitMs = 10_000,
  restoreDelayMs = 1000,
  self,
  healthMs,
}: MqttConsumerDeps): MqttConsumer {
  const t = topics(mqtt);
  const unitTopics = new Map<string, Set<string>>(); // unit id -> its state topics
  const unsubscribe: (() => void)[] = [];
  let broker: EmbeddedBroker | undefined;
  let conn: Connection | undefined;
  let swept = !mqtt.discovery;
  let stopping = false;

  const online = () => Boolean(conn?.connected) && swept && !stopping;

  // What waits on the socket to the broker (backlog.ts): the outbox holds back above a limit.
  const backlog = createBacklog({
    waiting: () => conn?.client.stream?.writableLength ?? 0,
    resume: () => flushAll(false),
  });
  const outbox = createOutbox({
    refreshMs: mqtt.refreshInterval * 1000,
    online: () => online() && backlog.open(),
    send: (topic, payload) =>
      conn?.client.publish(topic, payload, { qos: 1, retain: true }, (err) => {
        if (err) log.warn({ topic, err: err.message }, 'publish failed');
      }),
  });
  const { sync, clear } = outbox;
  // With the bridge's own device announced (surface.ts), every PDU device hangs under it.
  const options = self ? { ...mqtt, viaDevice: bridgeDeviceKey(mqtt.bridgeId) } : mqtt;
  const announcer = createAnnouncer({ log, topics: t, options, pdus, outbox });
  const own = createOwnTopics({ log, topics: t, options: mqtt, outbox, online, delayMs: restoreDelayMs });
  const surface: BridgeSurface | undefined =
    self &&
    createBridgeSurface({
      log,
      topics: t,
      options: mqtt,
      outbox,
      self,
      healthMs,
      publish: (topic, payload) => {
        if (!online() || !conn) return false;
        conn.client.publish(topic, payload, { qos: 1, retain: false });
        return true;
      },
    });

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
      const legacy = own.legacyState(found);
      if (legacy) conn.client.publish(legacy, '', { qos: 1, retain: true });
    }
    surface?.connected();
    flushAll(true);
    // Watching its own retained topics starts after the sweep (which subscribes to and leaves the
    // discovery filter) and after the flush, so what arrives first is the bridge's own values.
    conn?.client.subscribe([...own.filters], { qos: 1 });
  }

  const births = createCoalescer({
    run: () => {
      log.info('Home Assistant is online: re-announcing discovery and state');
      flushAll(true);
    },
  });

  const onRetained = retainedCommandLog(log);
  async function onMessage(topic: string, payload: Buffer, retain: boolean): Promise<void> {
    if (own.handles(topic)) {
      own.received(topic, payload);
      return;
    }
    if (topic === t.haStatus) {
      // HA's birth message: it may have restarted without its retained view, so announce again,
      // once per burst of births (birth.ts).
      if (payload.toString() === 'online' && mqtt.discovery) births.request();
      return;
    }
    const reply = await handleCommandMessage(mqtt, topic, payload, commands, {
      retain,
      onRetained,
      ...(self ? { self } : {}),
    });
    if (reply?.action === 'options' && reply.response.status === 'ok') surface?.infoChanged();
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
    for (const b of r.breakers) set(t.breaker(id, b.label), breakerPayload(b));
    for (const s of r.sensors) set(t.sensor(id, s.id), sensorPayload(s));
    set(t.diagnostics(id), diagnosticsPayload(r.time, meta));
    // The unit's topic set is replaced only when it changed: a new one every poll would live a whole
    // cycle and be promoted, topic strings and all (docs/architecture.md, "Memory").
    const last = unitTopics.get(id);
    if (last === undefined || last.size !== topics.length || !topics.every((topic) => last.has(topic))) {
      const mine = new Set(topics);
      // Outlets, protectors and sensors that vanished at run time (a re-read outlet count, a probe
      // unplugged) leave no retained ghost.
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
          bridgeTopics: {
            baseTopic: mqtt.baseTopic,
            discoveryPrefix: mqtt.discoveryPrefix,
            bridgeId: mqtt.bridgeId,
          },
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
        if (surface) unsubscribe.push(bus.on('event', (e) => surface.event(e), 'mqtt'));
      }
      surface?.start();
      await ready;
    },

    async stop() {
      for (const off of unsubscribe.splice(0)) off();
      own.stop();
      backlog.stop();
      surface?.stop();
      stopping = true;
      births.stop();
      await conn?.close({ topic: t.bridgeState, payload: 'offline' });
      await broker?.stop();
      conn = undefined;
      broker = undefined;
    },

    publishReading,
    publishAvailability,

    republish() {
      if (!mqtt.discovery) return 'Home Assistant discovery is off (mqtt.discovery)';
      if (!online()) return 'not connected to the MQTT broker: discovery is announced again on reconnect';
      births.request();
      return undefined;
    },

    publishPoll(result) {
      // Availability is the poller's (bus 'availability'): a failed poll publishes nothing here.
      if (!result.ok) return;
      for (const unit of result.units) publishReading(unit, result);
      surface?.infoChanged();
      if (mqtt.discovery)
        announcer.unitsSeen(
          result.source,
          result.units.map((u) => u.id),
        );
    },
  };
}
