import { describe, expect, it } from 'vitest';
import { createRestoreGuard } from '../../bridge/mqtt/restore-guard.ts';

describe('restore guard', () => {
  it('restores a few times per window, then gives up once and stays quiet', () => {
    let t = 0;
    const g = createRestoreGuard({ max: 3, windowMs: 60_000, now: () => t });
    expect([g.allow('a'), g.allow('a'), g.allow('a')]).toEqual(['restore', 'restore', 'restore']);
    expect(g.allow('a')).toBe('give-up');
    t += 3_600_000;
    expect(g.allow('a')).toBe('quiet');
    expect(g.allow('b')).toBe('restore');
  });

  it('counts only the window: an overwrite now and then is always restored', () => {
    let t = 0;
    const g = createRestoreGuard({ max: 2, windowMs: 1000, now: () => t });
    for (let i = 0; i < 10; i++) {
      expect(g.allow('a')).toBe('restore');
      t += 600;
    }
  });
});
