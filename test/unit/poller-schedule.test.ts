import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEnergyTracker } from '../../bridge/facts/energy-tracker.ts';
import { silentLogger } from '../../bridge/log.ts';
import { createPoller } from '../../bridge/poller.ts';
import type { PollResult } from '../../bridge/readings.ts';
import type { PduReader, ReadResult } from '../../bridge/snmp/reader.ts';

/**
 * The poller's clock discipline, on fake timers: polls land on interval boundaries, a timer that fires
 * a millisecond early does not poll one boundary twice, a slow poll skips (counts) a cycle instead of
 * queueing. The reader here is a stand-in that takes `readMs` of fake time: the schedule is the subject.
 */
function stubReader(readMs: () => number): PduReader {
  const result: ReadResult = { units: [], problems: [], requests: 6, layoutRefreshed: false };
  return {
    read: () => new Promise((resolve) => setTimeout(() => resolve(result), readMs())),
    invalidate: () => {},
    layout: undefined,
    client: undefined as never,
    close: () => {},
  };
}

describe('poller schedule', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2026, 0, 1, 0, 0, 3)); // 3 s past a 10-s boundary
  });
  afterEach(() => vi.useRealTimers());

  function start(readMs: () => number) {
    const times: number[] = [];
    const p = createPoller({
      id: 'p',
      intervalMs: 10_000,
      offlineAfter: 3,
      reader: stubReader(readMs),
      energy: createEnergyTracker(),
      target: { host: 'x', port: 161, version: '2c' },
      log: silentLogger,
      onResult: (r: PollResult) => times.push(r.time % 10_000),
      onAvailability: () => {},
    });
    p.start();
    return { p, times };
  }

  it('polls at start, then on every boundary, without misses', async () => {
    const { p, times } = start(() => 400);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(times[0]).toBe(3000);
    expect(times.slice(1)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(p.stats.missed).toBe(0);
    await p.stop();
  });

  it('does not count a miss when the start-up poll is close to a boundary', async () => {
    vi.setSystemTime(Date.UTC(2026, 0, 1, 0, 0, 9, 500)); // 0.5 s before a boundary, a 2-s poll
    const { p, times } = start(() => 2000);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(p.stats.missed).toBe(0);
    expect(times.length).toBeGreaterThanOrEqual(3);
    await p.stop();
  });

  it('skips and counts a cycle when a poll outlasts the interval', async () => {
    let n = 0;
    const { p } = start(() => (++n === 2 ? 15_000 : 300));
    await vi.advanceTimersByTimeAsync(50_000);
    expect(p.stats.missed).toBe(1);
    await p.stop();
  });
});
