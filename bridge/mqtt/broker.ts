import { timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer, type IncomingMessage } from 'node:http';
import { type AddressInfo, createServer, type Server } from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes, type AuthenticateError } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { Logger } from '../log.ts';
import { isLoopbackName } from '../loopback.ts';
import { listenError, StartupError } from '../startup.ts';
import {
  createBridgeLogin,
  createRetainedBudget,
  limitPacketSize,
  MAX_PACKET_BYTES,
  othersMayPublish,
} from './broker-rules.ts';
import { compactRetained } from './retained-store.ts';
import type { TopicOptions } from './topics.ts';

/**
 * The embedded broker (aedes, MQTT 3.1.1): TCP, plus WebSocket for browsers. Like Mosquitto 2, it
 * listens on loopback only unless credentials are configured; with credentials every client must
 * present them, and it may then listen on all interfaces. With `bridgeTopics`, only the bridge's own
 * connection (recognised by a credential made per start, `bridgeLogin`) publishes its state,
 * availability and discovery; the others publish commands and Home Assistant's status, and read
 * everything (broker-rules.ts, docs/security.md). No other client sends a packet over 256 kB, and all
 * of them together keep at most 16 MB retained. Retained messages are stored compactly
 * (retained-store.ts).
 */

export interface EmbeddedBrokerOptions {
  log: Logger;
  /** TCP port; 0 picks a free one. */
  port: number;
  /** WebSocket port; 0, undefined or null: no WebSocket listener (as R2M_MQTT_WS_PORT). */
  wsPort?: number | null;
  /** Listen address. Default ('', null or undefined) 127.0.0.1, or 0.0.0.0 when credentials are set. */
  host?: string | null;
  username?: string | null;
  password?: string | null;
  /**
   * The topics only the bridge publishes: its base topic and the discovery prefix, but for the command
   * topics and `<prefix>/status`. Undefined: no topic rules (a plain broker, as tests use one).
   */
  bridgeTopics?: TopicOptions;
  /** Largest packet another client may send, bytes (default MAX_PACKET_BYTES). */
  maxPacketBytes?: number;
  /** What all other clients together may keep retained, bytes (default OTHERS_RETAINED_BYTES). */
  othersRetainedBytes?: number;
}

export interface EmbeddedBroker {
  start(): Promise<{ port: number; wsPort: number | null; host: string }>;
  stop(): Promise<void>;
  /** The running aedes instance (tests inspect it; undefined before start). */
  readonly aedes: Aedes | undefined;
  /** The credential the bridge's own client connects with; known to this process only. */
  readonly bridgeLogin: { username: string; password: string };
}

function sameSecret(a: string, b: Buffer | undefined): boolean {
  if (b === undefined) return false;
  const x = Buffer.from(a, 'utf8');
  return x.length === b.length && timingSafeEqual(x, b);
}

function listen(server: Server | HttpServer, port: number, host: string, portKey: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const failed = (error: Error) =>
      reject(
        listenError(error, {
          service: 'embedded MQTT broker',
          host,
          port,
          portKey,
          hostKey: 'mqtt.host (R2M_MQTT_HOST)',
        }),
      );
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server | HttpServer | undefined): Promise<void> {
  return new Promise((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
}

export function createEmbeddedBroker(opts: EmbeddedBrokerOptions): EmbeddedBroker {
  const { log } = opts;
  const secured = Boolean(opts.username);
  const bridgeLogin = createBridgeLogin();
  const maxPacket = opts.maxPacketBytes ?? MAX_PACKET_BYTES;
  /** Connections that presented bridgeLogin, and the client ids they use (nobody else may take one). */
  const bridgeClients = new WeakSet<object>();
  const bridgeIds = new Set<string>();
  const othersRetained = createRetainedBudget(opts.othersRetainedBytes);
  let aedes: Aedes | undefined;
  let tcp: Server | undefined;
  let http: HttpServer | undefined;
  let wss: WebSocketServer | undefined;

  return {
    get aedes() {
      return aedes;
    },
    bridgeLogin,

    async start() {
      const host = opts.host || (secured ? '0.0.0.0' : '127.0.0.1');
      if (!secured && !isLoopbackName(host)) {
        // Mosquitto 2's rule: an anonymous broker is reachable from this machine only.
        throw new StartupError(
          `embedded MQTT broker: it listens on ${host} only with mqtt.username and mqtt.password set (mqtt.host, R2M_MQTT_HOST)`,
        );
      }
      if (typeof opts.password === 'string' && !opts.username) {
        throw new StartupError('embedded MQTT broker: mqtt.password is set but mqtt.username is not');
      }
      const refuse = (done: (e: AuthenticateError, ok: null) => void, code: 2 | 4, message: string) => {
        const err = new Error(message) as AuthenticateError;
        err.returnCode = code; // IDENTIFIER_REJECTED 2, BAD_USERNAME_OR_PASSWORD 4 (const enums in aedes)
        done(err, null);
      };
      aedes = await Aedes.createBroker({
        authenticate: (client, username, password, done) => {
          if (username === bridgeLogin.username && sameSecret(bridgeLogin.password, password)) {
            bridgeClients.add(client);
            bridgeIds.add(client.id);
            return done(null, true);
          }
          if (username === bridgeLogin.username) return refuse(done, 4, 'bad username or password');
          // Taking over the bridge's client id (aedes' $SYS topics announce it) would disconnect it.
          if (bridgeIds.has(client.id)) return refuse(done, 2, "the bridge's client id is reserved");
          if (!secured) return done(null, true);
          const ok = username === opts.username && sameSecret(opts.password ?? '', password);
          if (ok) return done(null, true);
          refuse(done, 4, 'bad username or password');
        },
      });
      const compact = compactRetained(aedes);
      if (!compact) log.debug('aedes persistence not as expected: retained packets are stored as they came');
      aedes.authorizePublish = (client, packet, callback) => {
        // aedes' default: nobody publishes into $SYS (a DoS vector, moscajs/aedes#597).
        if (packet.topic.startsWith('$SYS/')) return callback(new Error('$SYS/ topic is reserved'));
        const bridge = client !== null && bridgeClients.has(client);
        if (!bridge && packet.payload.length > maxPacket) {
          // Only when the parser hook is missing (limitPacketSize): the packet is complete by now.
          return callback(new Error(`payload of ${packet.payload.length} bytes is over the limit`));
        }
        if (!bridge && opts.bridgeTopics && !othersMayPublish(packet.topic, opts.bridgeTopics)) {
          // MQTT 3.1.1 cannot refuse a PUBLISH: the broker closes the connection (§3.3.5, as aedes does).
          log.debug(
            { client: client?.id, topic: packet.topic },
            'publish refused: only the bridge publishes there',
          );
          return callback(new Error(`only the bridge publishes to ${packet.topic}`));
        }
        if (packet.retain && bridge) othersRetained.release(packet.topic);
        else if (packet.retain && !othersRetained.admit(packet.topic, packet.payload.length)) {
          log.debug(
            { client: client?.id, topic: packet.topic },
            'retained publish refused: the retained budget is full',
          );
          return callback(new Error('retained messages of other clients over budget'));
        }
        // A payload arrives as a slice of the socket's read chunk (often 64 kB). Retained, the slice
        // would pin the whole chunk for good: at 7,200 outlets that was ~150 MB of a 200 MB budget.
        // The compact store copies it into a string; without it, an exact-size copy keeps only the payload.
        if (packet.retain && packet.payload.length > 0 && !compact) {
          const copy = Buffer.allocUnsafeSlow(packet.payload.length);
          (packet.payload as Buffer).copy(copy);
          packet.payload = copy;
        }
        callback(null);
      };
      aedes.on('clientError', (client, err) =>
        log.debug({ client: client.id, err: err.message }, 'mqtt client error'),
      );
      aedes.on('connectionError', (_client, err) =>
        log.debug({ err: err.message }, 'mqtt connection refused before CONNECT'),
      );
      const broker = aedes;
      const accept = (conn: Duplex, req?: IncomingMessage) => {
        const client = broker.handle(conn, req);
        const limited = limitPacketSize(client, () =>
          bridgeClients.has(client) ? Number.POSITIVE_INFINITY : maxPacket,
        );
        if (!limited)
          log.debug('aedes parser not as expected: packet size checked on complete publishes only');
      };
      tcp = createServer((socket) => accept(socket));
      const port = await listen(tcp, opts.port, host, 'mqtt.port (R2M_MQTT_PORT)');
      let wsPort: number | null = null;
      if (opts.wsPort) {
        http = createHttpServer((_req, res) => {
          res.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket only\n');
        });
        wsPort = await listen(http, opts.wsPort, host, 'mqtt.wsPort (R2M_MQTT_WS_PORT)');
        // Attached once listening: ws re-emits the server's errors, and a failed listen is reported above.
        wss = new WebSocketServer({ server: http });
        wss.on('error', (err) => log.warn({ err: err.message }, 'MQTT WebSocket listener error'));
        wss.on('connection', (socket, req) => accept(createWebSocketStream(socket), req));
      }
      log.info({ host, port, wsPort, auth: secured }, 'embedded MQTT broker listening');
      return { port, wsPort, host };
    },

    async stop() {
      // Stop accepting first; the servers finish closing once aedes has dropped its clients.
      const closing = Promise.all([close(tcp), close(http)]);
      for (const client of wss?.clients ?? []) client.terminate();
      wss?.close();
      const broker = aedes;
      if (broker && !broker.closed) await new Promise<void>((resolve) => broker.close(() => resolve()));
      await closing;
      tcp = http = wss = aedes = undefined;
    },
  };
}
