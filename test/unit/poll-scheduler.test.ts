import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../bridge/log.ts';
import type { PollResult } from '../../bridge/readings.ts';
import { createPollScheduler, GATHER_MS, POLL_SPACING_MS } from '../../bridge/traps/poll-scheduler.ts';

/**
 * "Poll this PDU now" (bridge/traps/poll-scheduler.ts), on fake timers: the first request polls at
 * once (after gathering its burst for GATHER_MS), a flood costs at most one poll per spacing, and requests during a poll are served by one
 * poll after it (that pollNow itself begins after the call is the poller's rule, poller-sim.test.ts).
 */

describe('the poll scheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function target(durationMs = 50) {
    const started: number[] = [];
    let invalidated = 0;
    return {
      started,
      get invalidated() {
        return invalidated;
      },
      pollNow: () => {
        const time = Date.now();
        started.push(time);
        return new Promise<PollResult>((resolve) =>
          setTimeout(() => resolve({ ok: true, time } as PollResult), durationMs),
        );
      },
      invalidate: () => {
        invalidated++;
      },
    };
  }

  it('polls at once, then at most once per spacing however many requests come', async () => {
    const t = target();
    const s = createPollScheduler({ log: silentLogger, target: (id) => (id === 'lab' ? t : undefined) });
    expect(s.request('lab')).toBe(true);
    // A burst (powerControl, then the outlet's state change) is gathered into that one poll.
    await vi.advanceTimersByTimeAsync(1);
    s.request('lab');
    await vi.advanceTimersByTimeAsync(GATHER_MS);
    expect(t.started).toEqual([1_000_000 + GATHER_MS]);
    // 1,000 requests over 3 s.
    for (let i = 0; i < 1000; i++) {
      s.request('lab');
      await vi.advanceTimersByTimeAsync(3);
    }
    await vi.advanceTimersByTimeAsync(POLL_SPACING_MS * 2);
    expect(t.started.length).toBeLessThanOrEqual(5);
    expect(t.started.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < t.started.length; i++)
      expect(t.started[i]! - t.started[i - 1]!).toBeGreaterThanOrEqual(POLL_SPACING_MS);
    expect(s.polls.get('lab')).toBe(t.started.length);
    expect(s.coalesced.get('lab')).toBeGreaterThan(990);
    // Nothing pending any more: no poll comes by itself.
    await vi.advanceTimersByTimeAsync(POLL_SPACING_MS * 5);
    expect(s.polls.get('lab')).toBe(t.started.length);
    s.stop();
  });

  it('serves a request made during a poll with one more poll after it', async () => {
    const t = target(400);
    const s = createPollScheduler({ log: silentLogger, target: () => t, gatherMs: 0 });
    s.request('lab');
    await vi.advanceTimersByTimeAsync(100);
    s.request('lab');
    s.request('lab');
    await vi.advanceTimersByTimeAsync(400);
    expect(t.started).toHaveLength(1); // still within the spacing
    await vi.advanceTimersByTimeAsync(POLL_SPACING_MS);
    expect(t.started).toEqual([1_000_000, 1_000_000 + POLL_SPACING_MS]);
    s.stop();
  });

  it('re-reads the layout when a request asks it, refuses unknown PDUs, and stops', async () => {
    const t = target();
    const s = createPollScheduler({ log: silentLogger, target: (id) => (id === 'lab' ? t : undefined) });
    expect(s.request('nope')).toBe(false);
    s.request('lab', { layout: true });
    await vi.advanceTimersByTimeAsync(GATHER_MS);
    expect(t.invalidated).toBe(1);
    s.request('lab');
    s.stop();
    await vi.advanceTimersByTimeAsync(POLL_SPACING_MS * 3);
    expect(t.started).toHaveLength(1);
    expect(s.request('lab')).toBe(false);
  });
});
