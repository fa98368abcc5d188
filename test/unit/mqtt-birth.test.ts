import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCoalescer } from '../../bridge/mqtt/birth.ts';

/** The coalescing of Home Assistant's birth messages, on a fake clock. */

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createCoalescer', () => {
  it('runs once for a burst, after a short wait', () => {
    const run = vi.fn();
    const c = createCoalescer({ run, delayMs: 1000, minSpacingMs: 30_000 });
    for (let i = 0; i < 200; i++) c.request();
    vi.advanceTimersByTime(999);
    expect(run).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('keeps two runs at least the minimum spacing apart, and joins requests meanwhile', () => {
    const run = vi.fn();
    const c = createCoalescer({ run, delayMs: 1000, minSpacingMs: 30_000 });
    c.request();
    vi.advanceTimersByTime(1000);
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(4000);
    for (let i = 0; i < 50; i++) c.request(); // HA flapping 5 s later
    vi.advanceTimersByTime(25_999);
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(2);
    // Long after, a single birth gets the short wait again.
    vi.advanceTimersByTime(120_000);
    c.request();
    vi.advanceTimersByTime(1000);
    expect(run).toHaveBeenCalledTimes(3);
  });

  it('runs nothing once stopped', () => {
    const run = vi.fn();
    const c = createCoalescer({ run });
    c.request();
    c.stop();
    vi.advanceTimersByTime(60_000);
    expect(run).not.toHaveBeenCalled();
  });
});
