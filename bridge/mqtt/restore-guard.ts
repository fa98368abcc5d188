/**
 * How often the bridge puts back one of its retained topics that another client overwrote. A stray
 * `offline` or a broken config is restored at once; but two bridges misconfigured with the same
 * bridge id and base topic would overwrite each other forever, so after a few restores of one topic
 * within a window the bridge gives up on it (once, loudly) instead of flooding the broker.
 */

export type RestoreVerdict = 'restore' | 'give-up' | 'quiet';

export interface RestoreGuard {
  allow(topic: string): RestoreVerdict;
}

export function createRestoreGuard({
  max = 3,
  windowMs = 60_000,
  now = Date.now,
}: {
  max?: number;
  windowMs?: number;
  now?: () => number;
} = {}): RestoreGuard {
  const recent = new Map<string, number[]>();
  const abandoned = new Set<string>();
  return {
    allow(topic) {
      if (abandoned.has(topic)) return 'quiet';
      const t = now();
      const times = (recent.get(topic) ?? []).filter((x) => t - x < windowMs);
      if (times.length >= max) {
        recent.delete(topic);
        abandoned.add(topic);
        return 'give-up';
      }
      times.push(t);
      recent.set(topic, times);
      return 'restore';
    },
  };
}
