import { describe, expect, it } from 'vitest';
import { displayName } from '../../bridge/readings.ts';

describe('displayName (pdus[].name against the PDU own name)', () => {
  it.each([
    ['Rack A', 'px3-own', 1, 'Rack A'],
    ['  Rack A ', 'px3-own', 1, 'Rack A'],
    [null, 'px3-own', 1, 'px3-own'],
    ['', 'px3-own', 1, 'px3-own'],
    ['   ', '', 1, ''],
    ['Rack A', 'linked-own', 2, 'linked-own'],
    ['Rack A', '', 3, 'Rack A unit 3'],
    [undefined, '', 2, ''],
  ])('configured %j, reported %j, unit %i → %j', (configured, reported, unit, shown) => {
    expect(displayName(configured, reported, unit)).toBe(shown);
  });
});
