import { describe, expect, it } from 'vitest';
import { MAX_BACKOFF_MS, MIN_BACKOFF_MS, reconnectDelay } from '../../bridge/mqtt/client.ts';

/** The reconnect schedule: quick to start, capped low so a returning broker is found within seconds. */

describe('reconnectDelay', () => {
  it('doubles from 1 s and never waits more than 5 s (+20% jitter), however long the broker is away', () => {
    const middle = () => 0.5; // no jitter
    expect(
      [0, 1, 2, 3, 4, 10, 30].map((a) => reconnectDelay(a, MIN_BACKOFF_MS, MAX_BACKOFF_MS, middle)),
    ).toEqual([1000, 2000, 4000, 5000, 5000, 5000, 5000]);
    for (let attempt = 0; attempt <= 30; attempt++) {
      expect(reconnectDelay(attempt, MIN_BACKOFF_MS, MAX_BACKOFF_MS, () => 0.999999)).toBeLessThanOrEqual(
        6000,
      );
      expect(reconnectDelay(attempt, MIN_BACKOFF_MS, MAX_BACKOFF_MS, () => 0)).toBeGreaterThanOrEqual(800);
    }
  });
});
