/**
 * Home Assistant's birth message (`<prefix>/status` = `online`) asks every integration to announce its
 * discovery and state again (HA MQTT docs, "Birth and last will messages"). A burst of them, a flapping
 * HA or anyone allowed to publish the status topic, must not make the bridge republish everything once
 * per message (200 births in 0.24 s were 15,758 messages): the first waits a moment for the rest of
 * the burst, and two republishes are at least `minSpacingMs` apart. One owner: mqtt/consumer.ts asks it.
 */

export interface Coalescer {
  /** Asks for a run: joins one already scheduled, or schedules one. */
  request(): void;
  /** Cancels a scheduled run. */
  stop(): void;
}

export function createCoalescer(o: {
  run: () => void;
  /** Wait after the first request for the rest of a burst, ms. */
  delayMs?: number;
  /** Least time between two runs, ms. */
  minSpacingMs?: number;
  now?: () => number;
}): Coalescer {
  const now = o.now ?? Date.now;
  const delay = o.delayMs ?? 1000;
  const spacing = o.minSpacingMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  let last = Number.NEGATIVE_INFINITY;
  return {
    request() {
      if (timer) return;
      const at = Math.max(now() + delay, last + spacing);
      timer = setTimeout(() => {
        timer = undefined;
        last = now();
        o.run();
      }, at - now());
      timer.unref();
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
