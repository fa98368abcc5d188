import { randomUUID } from 'node:crypto';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';

/** MQTT test clients (mqtt.js, MQTT 3.1.1) that observe what the bridge left on a real broker. */

export interface Seen {
  topic: string;
  payload: string;
  raw: Buffer;
  retain: boolean;
}

export interface Watcher {
  readonly client: MqttClient;
  readonly seen: Seen[];
  /** Resolves with the first message (already seen or to come) matching `pred`. */
  waitFor(pred: (m: Seen) => boolean, timeoutMs?: number): Promise<Seen>;
  /** Publishes to a private topic and waits for it back: everything sent before has arrived. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** `options`: more client options for brokers that want them (username/password, a TLS `ca`). */
export async function watch(url: string, filters: string[], options: IClientOptions = {}): Promise<Watcher> {
  const client = await connectAsync(url, {
    protocolVersion: 4,
    reconnectPeriod: 0,
    clientId: `test_${randomUUID()}`,
    ...options,
  });
  const seen: Seen[] = [];
  const waiters = new Set<{ pred: (m: Seen) => boolean; resolve: (m: Seen) => void }>();
  const syncTopic = `test/sync/${randomUUID()}`;
  client.on('message', (topic, raw, packet) => {
    const m = { topic, payload: raw.toString('utf8'), raw, retain: packet.retain };
    if (topic !== syncTopic) seen.push(m);
    for (const w of waiters) {
      if (w.pred(m)) {
        waiters.delete(w);
        w.resolve(m);
      }
    }
  });
  await client.subscribeAsync([...filters, syncTopic], { qos: 1 });
  const watcher: Watcher = {
    client,
    seen,
    waitFor(pred, timeoutMs = 10_000) {
      const found = seen.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve };
        waiters.add(w);
        setTimeout(() => {
          if (waiters.delete(w)) reject(new Error(`no matching message within ${timeoutMs} ms`));
        }, timeoutMs).unref();
      });
    },
    async settle() {
      const token = randomUUID();
      const back = watcher.waitFor((m) => m.topic === syncTopic && m.payload === token);
      await client.publishAsync(syncTopic, token, { qos: 1 });
      await back;
      // aedes streams retained messages asynchronously after SUBACK: give them one more turn.
      await new Promise((r) => setTimeout(r, 100));
    },
    close: () => client.endAsync(),
  };
  return watcher;
}

/** The retained messages a late subscriber gets for `filters`: topic -> payload (empty ones dropped). */
export async function retained(
  url: string,
  filters: string[],
  options: IClientOptions = {},
): Promise<Map<string, string>> {
  const w = await watch(url, filters, options);
  // aedes streams retained messages after SUBACK, and on a loaded machine they can still be coming
  // after one round trip: settle again until a round trip brings nothing new.
  let count: number;
  do {
    count = w.seen.length;
    await w.settle();
  } while (w.seen.length !== count);
  await w.close();
  const out = new Map<string, string>();
  for (const m of w.seen) if (m.retain && m.payload !== '') out.set(m.topic, m.payload);
  return out;
}

/**
 * Waits until the broker holds at least `count` retained messages under `filters`: what a bridge just
 * published may still be on its way, and a subscriber arriving first would get it live, not retained.
 */
export async function waitForRetained(
  url: string,
  filters: string[],
  count: number,
  timeoutMs = 5000,
): Promise<Map<string, string>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await retained(url, filters);
    if (found.size >= count || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Publishes a retained message and waits for the broker's acknowledgement. */
export async function publishRetained(url: string, messages: Array<[string, string]>): Promise<void> {
  const client = await connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0 });
  for (const [topic, payload] of messages)
    await client.publishAsync(topic, payload, { qos: 1, retain: true });
  await client.endAsync();
}
