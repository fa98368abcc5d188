import { describe, expect, it } from 'vitest';
import { parseRating, ratedPowerW } from '../../bridge/facts/rating.ts';

describe('nameplate ratings (PDU2-MIB outletRated*/inletRated* DisplayStrings)', () => {
  it('reads the largest number of a rating text', () => {
    expect(parseRating('16A')).toBe(16);
    expect(parseRating('200-240V')).toBe(240);
    expect(parseRating('230/400V')).toBe(400);
    expect(parseRating('12.5A')).toBe(12.5);
    expect(parseRating('')).toBeNull();
    expect(parseRating(undefined)).toBeNull();
    expect(parseRating('n/a')).toBeNull();
    expect(parseRating('0A')).toBeNull();
  });

  it('multiplies voltage and current, for 3 phases by 3 (line-to-neutral) or √3 (line-to-line)', () => {
    expect(ratedPowerW({ voltage: '200-240V', current: '10A' })).toBe(2400);
    expect(ratedPowerW({ voltage: '200-240V', current: '32A', poles: 2 })).toBe(7680);
    // 3-phase wye, rated line-to-line: √3 × 415 V × 32 A
    expect(ratedPowerW({ voltage: '380-415V', current: '32A', poles: 4 })).toBe(
      Math.round(Math.sqrt(3) * 415 * 32),
    );
    // 3-phase rated line-to-neutral: 3 × 230 V × 16 A
    expect(ratedPowerW({ voltage: '220-230V', current: '16A', poles: 4 })).toBe(3 * 230 * 16);
    expect(ratedPowerW({ voltage: '', current: '16A' })).toBeNull();
    expect(ratedPowerW({ voltage: '230V', current: undefined })).toBeNull();
  });
});
