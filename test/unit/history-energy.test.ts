import { describe, expect, it } from 'vitest';
import { COUNTER_WRAP_WH, energyStep, plausibleWh } from '../../bridge/history/energy.ts';

const at = (ts: number, counter: number | null, power: number | null = null) => ({ ts, counter, power });

describe('energyStep from the activeEnergy counter', () => {
  it('books nothing for the first sample of a segment', () => {
    expect(energyStep(undefined, at(60, 5000))).toEqual({ wh: 0, estimated: false, kind: 'first' });
  });

  it('books the increase', () => {
    expect(energyStep(at(0, 5000), at(60, 5007))).toEqual({ wh: 7, estimated: false, kind: 'increase' });
  });

  it('adds 2^32 Wh across a wrap', () => {
    const s = energyStep(at(0, COUNTER_WRAP_WH - 3), at(60, 4));
    expect(s).toEqual({ wh: 7, estimated: false, kind: 'wrap' });
  });

  it('starts a new segment on a reset and books what the counter has counted since', () => {
    expect(energyStep(at(0, 1_000_000), at(60, 3))).toEqual({ wh: 3, estimated: false, kind: 'reset' });
  });

  it('books nothing for a reset to a value no outlet could have drawn since', () => {
    // 100 kWh in one minute is not energy: a different PDU answered, or a bogus read.
    expect(energyStep(at(0, 1_000_000), at(60, 100_000)).wh).toBe(0);
  });

  it('books nothing for an impossible jump (a bogus 0 followed by the lifetime counter)', () => {
    const zero = energyStep(at(0, 9_000_000), at(60, 0));
    expect(zero.wh).toBe(0);
    expect(energyStep(at(60, 0), at(120, 9_000_001))).toEqual({ wh: 0, estimated: false, kind: 'jump' });
  });

  it('books the whole energy of an offline gap to the first sample after it', () => {
    // 3 h offline at ~1 kW: 3 kWh is plausible over 3 h, so it is real and booked.
    expect(energyStep(at(0, 10_000), at(3 * 3600, 13_000))).toEqual({
      wh: 3000,
      estimated: false,
      kind: 'increase',
    });
    expect(plausibleWh(3 * 3600)).toBeGreaterThan(3000);
  });
});

describe('energyStep without a counter (PX2: only current and power)', () => {
  it('integrates the trapezoid of power over time and marks it estimated', () => {
    const s = energyStep(at(0, null, 100), at(60, null, 200));
    expect(s.kind).toBe('integrated');
    expect(s.estimated).toBe(true);
    expect(s.wh).toBeCloseTo((150 * 60) / 3600, 9);
  });

  it('does not integrate across a gap longer than the cap, nor from an unknown power', () => {
    expect(energyStep(at(0, null, 100), at(3600, null, 100), 900)).toEqual({
      wh: 0,
      estimated: true,
      kind: 'none',
    });
    expect(energyStep(at(0, null, null), at(60, null, 100)).wh).toBe(0);
    expect(energyStep(undefined, at(60, null, 100)).wh).toBe(0);
  });
});
