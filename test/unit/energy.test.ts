import { describe, expect, it } from 'vitest';
import { createEnergyTracker } from '../../bridge/snmp/energy.ts';

const MIN = 60_000;
const WRAP = 2 ** 32;

describe('energy tracker', () => {
  it('follows the counter in kWh while it counts up', () => {
    const t = createEnergyTracker();
    expect(t.track('o1', 5_812_658, 0)).toBe(5812.658);
    expect(t.track('o1', 5_812_700, MIN)).toBe(5812.7);
    expect(t.lastEvent).toBe('normal');
  });

  it('adds 2^32 Wh across a wrap, without a jump', () => {
    const t = createEnergyTracker();
    t.track('o', WRAP - 100, 0);
    const after = t.track('o', 50, MIN)!;
    expect(t.lastEvent).toBe('wrap');
    expect(after * 1000).toBe(WRAP + 50);
    expect(after * 1000 - (WRAP - 100)).toBe(150);
  });

  it('starts a new segment on a reset: the total never decreases', () => {
    const t = createEnergyTracker();
    t.track('o', 1_000_000, 0);
    const total = t.track('o', 20, MIN)!;
    expect(t.lastEvent).toBe('reset');
    expect(total).toBe(1000.02);
    expect(t.track('o', 80, 2 * MIN)).toBe(1000.08);
  });

  it('publishes nothing for a failed read and continues from the last good value', () => {
    const t = createEnergyTracker();
    t.track('o', 10_000, 0);
    expect(t.track('o', null, MIN)).toBeNull();
    expect(t.track('o', 10_010, 2 * MIN)).toBe(10.01);
    expect(t.lastEvent).toBe('normal');
  });

  it('ignores an implausible leap instead of booking it as consumption', () => {
    const t = createEnergyTracker();
    t.track('o', 10_000, 0);
    expect(t.track('o', 900_000_000, MIN)).toBe(10);
    expect(t.lastEvent).toBe('leap');
    expect(t.track('o', 900_000_500, 2 * MIN)).toBe(10.5);
  });

  it('keeps outlets apart', () => {
    const t = createEnergyTracker();
    t.track('a', 100, 0);
    t.track('b', 5_000, 0);
    expect(t.track('a', 200, MIN)).toBe(0.2);
    expect(t.track('b', 5_100, MIN)).toBe(5.1);
  });
});
