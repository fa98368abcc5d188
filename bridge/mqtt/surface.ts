import { type BridgeEvent, eventPayload } from '../facts/events.ts';
import type { Logger } from '../log.ts';
import type { BridgeSelf } from '../self.ts';
import { VERSION } from '../version.ts';
import { bridgeDeviceDiscovery } from './bridge-device.ts';
import type { Outbox } from './outbox.ts';
import type { TopicOptions, Topics } from './topics.ts';

/**
 * The bridge's own topics beside its state (docs/mqtt.md, "The bridge's own topics"), as zigbee2mqtt
 * has them: `bridge/info` (retained; rebuilt a moment after what it shows may have changed, and
 * published only when it did), `bridge/health` (retained, refreshed every `healthMs`), `bridge/event`
 * (not retained: an event is news, not state; while the broker is away it is lost here, and kept in
 * the history), and the bridge's own Home Assistant device.
 */

export interface BridgeSurface {
  start(): void;
  stop(): void;
  /** The connection is up, before everything is flushed: health and info as they are now. */
  connected(): void;
  /** Something `bridge/info` shows may have changed (a poll, an option): rebuilt shortly. */
  infoChanged(): void;
  event(e: BridgeEvent): void;
}

/** zigbee2mqtt refreshes its health every 10 minutes by default; a PDU bridge's is small: every minute. */
export const HEALTH_INTERVAL_MS = 60_000;

export function createBridgeSurface(deps: {
  log: Logger;
  topics: Topics;
  options: TopicOptions & { bridgeId: string; discovery: boolean };
  outbox: Outbox;
  self: BridgeSelf;
  /** A non-retained publish (QoS 1) while connected; false when it could not be sent. */
  publish: (topic: string, payload: string) => boolean;
  healthMs?: number;
  /** How long `infoChanged` waits for more changes, ms (200 PDUs starting up are one rebuild). */
  infoDelayMs?: number;
}): BridgeSurface {
  const { topics: t, outbox, self, log } = deps;
  let healthTimer: NodeJS.Timeout | undefined;
  let infoTimer: NodeJS.Timeout | undefined;
  let lost = 0;

  const setInfo = () => outbox.setState(t.bridgeInfo, JSON.stringify(self.info()));
  const setHealth = () => outbox.setState(t.bridgeHealth, JSON.stringify(self.health()));
  const info = () => {
    infoTimer = undefined;
    setInfo();
    outbox.sync(t.bridgeInfo);
  };
  const health = () => {
    setHealth();
    outbox.sync(t.bridgeHealth);
  };

  return {
    start() {
      if (deps.options.discovery) {
        const d = bridgeDeviceDiscovery({ ...deps.options, swVersion: VERSION });
        outbox.setDiscovery(d.topic, JSON.stringify(d.payload));
        outbox.sync(d.topic);
      }
      info();
      health();
      healthTimer = setInterval(health, deps.healthMs ?? HEALTH_INTERVAL_MS);
      healthTimer.unref();
    },
    stop() {
      clearInterval(healthTimer);
      clearTimeout(infoTimer);
      healthTimer = undefined;
      infoTimer = undefined;
    },
    connected() {
      setInfo();
      setHealth();
    },
    infoChanged() {
      if (infoTimer || !healthTimer) return;
      infoTimer = setTimeout(info, deps.infoDelayMs ?? 1000);
      infoTimer.unref();
    },
    event(e) {
      if (deps.publish(t.bridgeEvent, JSON.stringify(eventPayload(e)))) {
        lost = 0;
        return;
      }
      // One line per outage of the broker, not one per event.
      if (lost++ === 0) log.debug({ type: e.type }, 'bridge/event not sent: the broker is away');
    },
  };
}
