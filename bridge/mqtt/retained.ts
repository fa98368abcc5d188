import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import type { Logger } from '../log.ts';
import { type OwnedConfig, parseOwnedConfig } from './sweep.ts';
import { topics } from './topics.ts';

/**
 * Reads the retained device discovery configs on the broker once, at start. MQTT gives no "end of
 * retained messages" marker, so we subscribe to the config filter and a private sync topic in one
 * SUBSCRIBE, publish to the sync topic and wait for its echo (brokers send a subscription's retained
 * messages before later traffic, Mosquitto strictly, aedes from a stream), then for a short quiet spell.
 */

export interface CollectOptions {
  client: MqttClient;
  log: Logger;
  baseTopic: string;
  discoveryPrefix: string;
  bridgeId: string;
  /** Quiet spell after the echo, ms. */
  quietMs?: number;
  /** Give up waiting after this, ms. */
  timeoutMs?: number;
}

export async function collectRetainedConfigs(o: CollectOptions): Promise<OwnedConfig[]> {
  const t = topics(o);
  const syncTopic = `${o.baseTopic}/bridge/sync/${randomUUID()}`;
  const found = new Map<string, OwnedConfig>();
  const quietMs = o.quietMs ?? 200;
  let last = Date.now();
  let echoed = false;

  const onMessage = (topic: string, payload: Buffer, packet: { retain?: boolean }) => {
    if (topic === syncTopic) {
      echoed = true;
      return;
    }
    if (!packet.retain || !topic.startsWith(`${o.discoveryPrefix}/device/`)) return;
    last = Date.now();
    const owned = parseOwnedConfig(topic, payload.toString('utf8'), o);
    if (owned) found.set(topic, owned);
    else found.delete(topic);
  };
  o.client.on('message', onMessage);
  try {
    await o.client.subscribeAsync({ [t.deviceConfigFilter]: { qos: 0 }, [syncTopic]: { qos: 1 } });
    await o.client.publishAsync(syncTopic, '', { qos: 1, retain: false });
    const deadline = Date.now() + (o.timeoutMs ?? 5000);
    while (Date.now() < deadline && (!echoed || Date.now() - last < quietMs)) {
      await new Promise((r) => setTimeout(r, 25));
    }
    await o.client.unsubscribeAsync([t.deviceConfigFilter, syncTopic]);
  } finally {
    o.client.off('message', onMessage);
  }
  o.log.debug({ owned: found.size }, 'retained discovery configs read');
  return [...found.values()];
}
