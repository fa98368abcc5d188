import { readFileSync } from 'node:fs';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../log.ts';

/**
 * One MQTT connection with the bridge's last will and its own reconnect backoff (mqtt.js retries
 * at a fixed period; a broker that is away for an hour should not see a connect every second, and
 * one that is back should see the bridge within seconds). MQTT 3.1.1 (protocolVersion 4): the
 * embedded aedes does not speak MQTT 5.
 */

/** First retry after 1 s, doubling to at most 5 s: 12 connects a minute to an absent broker are cheap. */
export const MIN_BACKOFF_MS = 1000;
export const MAX_BACKOFF_MS = 5000;

/**
 * The wait before reconnect attempt `attempt` (0 first): doubling from `min`, capped at `max`, ±20%
 * so that many bridges do not reconnect to a returning broker in lockstep.
 */
export function reconnectDelay(attempt: number, min: number, max: number, random = Math.random): number {
  return Math.min(max, min * 2 ** attempt) * (0.8 + random() * 0.4);
}

export interface ConnectionOptions {
  log: Logger;
  url: string;
  username?: string | null;
  password?: string | null;
  /** A PEM string, or the path of a PEM file. */
  ca?: string | null;
  clientId: string;
  will: { topic: string; payload: string };
  /** First retry delay and the cap of the doubling, ms. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** close(): how long to wait for the broker to acknowledge the last words, ms. */
  closeTimeoutMs?: number;
}

export interface Connection {
  readonly client: MqttClient;
  readonly connected: boolean;
  /** Publishes the given last words (if connected) and disconnects cleanly, no reconnect. */
  close(last?: { topic: string; payload: string }): Promise<void>;
}

/** The URL for logs: never the credentials a user may have put in it. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable url)';
  }
}

/**
 * Node silently drops a CA that is not PEM (a DER file, a key): the user would then only see
 * "self-signed certificate" and suspect the broker. Say what is wrong with the file instead.
 */
function readCa(ca: string, log: Logger): string | Buffer {
  if (ca.includes('-----BEGIN')) return ca;
  let pem: Buffer;
  try {
    pem = readFileSync(ca);
  } catch (e) {
    throw new Error(`mqtt.ca: cannot read ${ca}: ${(e as Error).message}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    log.warn({ ca }, 'mqtt.ca holds no PEM certificate (-----BEGIN CERTIFICATE-----): TLS cannot trust it');
  return pem;
}

export function openConnection(o: ConnectionOptions): Connection {
  const { log } = o;
  const min = o.minBackoffMs ?? MIN_BACKOFF_MS;
  const max = o.maxBackoffMs ?? MAX_BACKOFF_MS;
  const options: IClientOptions = {
    protocolVersion: 4,
    clientId: o.clientId,
    clean: true,
    keepalive: 30,
    connectTimeout: 10_000,
    // Reconnects are ours (below); while away, nothing is queued: the bridge republishes its
    // current state on reconnect instead of replaying stale messages.
    reconnectPeriod: 0,
    queueQoSZero: false,
    // mqtt-packet's number cache is 65,536 two-byte Buffers (6.3 MB of heap, a tenth of the daemon's
    // live heap at 200 PDUs, in a heap snapshot); off, it writes a packet id into a fresh 2-byte buffer.
    // The setting is mqtt-packet's, so the embedded broker's writes do without the cache too.
    writeCache: false,
    will: { topic: o.will.topic, payload: Buffer.from(o.will.payload), qos: 1, retain: true },
  };
  if (o.username) options.username = o.username;
  if (typeof o.password === 'string') options.password = o.password;
  if (o.ca) options.ca = readCa(o.ca, log);

  const client = connect(o.url, options);
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;
  let closing = false;

  // mqtt.js reports a TLS failure twice (its TLS stream and the client both emit it): one warning
  // per connection attempt is enough, or an hour-long outage doubles the log.
  let reported: string | undefined;
  client.on('connect', () => {
    attempt = 0;
    reported = undefined;
    log.info({ url: redactUrl(o.url) }, 'connected to MQTT broker');
  });
  client.on('error', (err) => {
    if (err.message === reported) return;
    reported = err.message;
    log.warn({ url: redactUrl(o.url), err: err.message }, 'MQTT connection error');
  });
  client.on('close', () => {
    if (closing || timer) return;
    const delay = reconnectDelay(attempt, min, max);
    attempt = Math.min(attempt + 1, 30);
    log.debug({ delayMs: Math.round(delay) }, 'MQTT reconnect scheduled');
    timer = setTimeout(() => {
      timer = undefined;
      reported = undefined;
      if (!closing) client.reconnect();
    }, delay);
  });

  return {
    client,
    get connected() {
      return client.connected;
    },
    async close(last) {
      closing = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      let clean = client.connected;
      if (clean && last) {
        // A broker that vanished a moment ago may still look connected: never wait for it forever.
        let timeout: NodeJS.Timeout | undefined;
        const gaveUp = new Promise<'timeout'>((resolve) => {
          timeout = setTimeout(() => resolve('timeout'), o.closeTimeoutMs ?? 2000);
        });
        try {
          const done = await Promise.race([
            client.publishAsync(last.topic, last.payload, { qos: 1, retain: true }),
            gaveUp,
          ]);
          if (done === 'timeout') {
            clean = false;
            log.warn('the broker did not acknowledge the offline state');
          }
        } catch (e) {
          clean = false;
          log.warn({ err: (e as Error).message }, 'could not publish the offline state');
        } finally {
          clearTimeout(timeout);
        }
      }
      // Forced: once the broker acknowledged the last words it has processed everything sent before
      // them (one TCP stream, in order). A publish caught in flight by a dropped connection stays in
      // mqtt.js' outgoing list with a clean session and would make a graceful end wait forever.
      if (!clean) log.debug('closing the MQTT connection without the last words acknowledged');
      await client.endAsync(true);
    },
  };
}
