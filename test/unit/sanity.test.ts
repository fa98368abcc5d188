import { describe, expect, it } from 'vitest';
import { unitId } from '../../bridge/readings.ts';

describe('unitId', () => {
  it('keeps the configured id for unit 1 and suffixes linked units', () => {
    expect(unitId('pdu1', 1)).toBe('pdu1');
    expect(unitId('pdu1', 3)).toBe('pdu1-3');
  });
});
