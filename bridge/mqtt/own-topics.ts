import type { Logger } from '../log.ts';
import type { Outbox } from './outbox.ts';
import { createRestoreGuard } from './restore-guard.ts';
import type { Topics } from './topics.ts';

/**
 * The bridge's own retained topics (its state, info and health, its PDUs' availability, its discovery
 * configs) and putting them back when another client overwrites one (docs/mqtt.md). Another bridge's
 * topics on the same base topic (its own root, its own PDUs) are never the outbox's, so never touched.
 */

export interface OwnTopics {
  /** What to subscribe to once the bridge's own values are out. */
  readonly filters: readonly string[];
  /** Whether a message on `topic` is one of the bridge's own retained topics (handled here). */
  handles(topic: string): boolean;
  /** A message on one of them: restores it (after `delayMs`) if it is not what the bridge sent. */
  received(topic: string, payload: Buffer): void;
  /**
   * The shared `<base>/bridge/state` to clear, when this bridge has a root of its own and its configs
   * found at start still name that topic: it published its state there before bridge roots, and
   * nothing of it points there any more (its configs are republished pointing at its own state).
   */
  legacyState(found: readonly { payload: unknown }[]): string | undefined;
  stop(): void;
}

export function createOwnTopics(deps: {
  log: Logger;
  topics: Topics;
  options: { baseTopic: string; discoveryPrefix: string; discovery: boolean };
  outbox: Outbox;
  online: () => boolean;
  delayMs: number;
}): OwnTopics {
  const { log, topics: t, options: o, outbox, online } = deps;
  const restores = createRestoreGuard();
  const own = new Set([t.bridgeState, t.bridgeInfo, t.bridgeHealth]);
  // A restore waits a moment: a burst of overwrites is answered once, and a broker going down (which
  // may hand the bridge its own last will on the way out) gets no publish into a closing connection.
  const pending = new Map<string, { timer: NodeJS.Timeout; payload: Buffer }>();

  function restore(topic: string, payload: Buffer): void {
    const waiting = pending.get(topic);
    if (waiting) {
      waiting.payload = payload;
      return;
    }
    const timer = setTimeout(() => {
      const latest = pending.get(topic)?.payload ?? payload;
      pending.delete(topic);
      if (!online() || !outbox.overwritten(topic, latest)) return;
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
    }, deps.delayMs);
    timer.unref();
    pending.set(topic, { timer, payload });
  }

  return {
    filters: [...own, `${o.baseTopic}/+/availability`, ...(o.discovery ? [t.deviceConfigFilter] : [])],
    handles(topic) {
      if (own.has(topic)) return true;
      if (topic.endsWith('/availability')) return topic.startsWith(`${o.baseTopic}/`);
      return o.discovery && topic.startsWith(`${o.discoveryPrefix}/device/`);
    },
    received(topic, payload) {
      if (!online()) return;
      if (outbox.overwritten(topic, payload)) {
        restore(topic, payload);
        return;
      }
      // The bridge's own value is the broker's latest again. An echo of the bridge's previous value
      // (bridge/info rebuilt while the echo was on its way, seconds apart while 200 PDUs start up)
      // looked like an overwrite; its restore is dropped here, not counted towards giving up.
      const waiting = pending.get(topic);
      if (waiting) {
        clearTimeout(waiting.timer);
        pending.delete(topic);
      }
    },
    legacyState(found) {
      if (t.bridgeState === t.legacyBridgeState) return undefined;
      // At the root of a config (current configs) or in each component (older ones).
      const legacy = JSON.stringify({ topic: t.legacyBridgeState });
      if (!found.some((c) => JSON.stringify(c.payload ?? null).includes(legacy))) return undefined;
      log.info(
        { topic: t.legacyBridgeState, now: t.bridgeState },
        'the bridge state moved: clearing the old topic',
      );
      return t.legacyBridgeState;
    },
    stop() {
      for (const { timer } of pending.values()) clearTimeout(timer);
      pending.clear();
    },
  };
}
