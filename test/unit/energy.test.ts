import { describe, expect, it } from 'vitest';
import {
  CONFIRM_READS,
  type EnergyInput,
  type EnergyState,
  energyStep,
  FALLBACK_OUTLET_W,
  plausibleWh,
} from '../../bridge/facts/energy.ts';
import type { EnergyStep } from '../../bridge/readings.ts';

const MIN = 60_000;
const WRAP = 2 ** 32;
/** A 10 A outlet at 240 V (the PX3 walk's C13 outlets). */
const RATED = 2400;

type Read = [minute: number, counter: number | null, power?: number | null];

/** Runs reads through one channel; returns every step and the final state. */
function run(
  reads: Read[],
  opts: { rated?: number | null; kind?: EnergyInput['kind']; from?: EnergyState } = {},
) {
  let state = opts.from;
  const steps: EnergyStep[] = [];
  for (const [m, counter, power = null] of reads) {
    const s = energyStep(state, {
      at: m * MIN,
      counter,
      power,
      ratedPower: opts.rated === undefined ? RATED : opts.rated,
      kind: opts.kind ?? 'outlet',
    });
    steps.push(s);
    state = s.state;
  }
  return { steps, state: state!, verdicts: steps.map((s) => s.verdict), de: steps.map((s) => s.de / 1000) };
}

describe('the energy tracker: what a counter step means', () => {
  it('first: the total starts at the PDU counter, nothing booked; normal: books the step', () => {
    const r = run([
      [0, 5_812_658],
      [1, 5_812_665],
      [2, 5_812_665],
    ]);
    expect(r.verdicts).toEqual(['first', 'normal', 'normal']);
    expect(r.de).toEqual([0, 7, 0]);
    expect(r.state.total).toBe(5_812_665_000);
    expect(r.state.origin).toBe(5_812_658_000);
  });

  it('a step back of 5 Wh books nothing, keeps the total, and then normal steps book normally', () => {
    const r = run([
      [0, 1_000_000],
      [1, 1_000_007],
      [2, 1_000_002], // stepped back 5 Wh
      [3, 1_000_014],
      [4, 1_000_021],
    ]);
    expect(r.verdicts).toEqual(['first', 'normal', 'glitch', 'normal', 'normal']);
    expect(r.de).toEqual([0, 7, 0, 7, 7]);
    expect(r.steps[2]!.total).toBe(r.steps[1]!.total);
    // No doubling: the total grew by exactly what the counter counted beyond its best value.
    expect(r.state.total - r.state.origin).toBe(21_000);
  });

  it('one read of 4294967295 books nothing and is not adopted: the next good read books only the real step', () => {
    const r = run([
      [0, 68_988_483],
      [1, 68_988_490],
      [2, WRAP - 1],
      [3, 68_988_504],
      [4, 68_988_511],
    ]);
    expect(r.verdicts).toEqual(['first', 'normal', 'glitch', 'normal', 'normal']);
    expect(r.de).toEqual([0, 7, 0, 14, 7]);
    expect(r.state.counter).toBe(68_988_511);
    expect(r.state.candidate).toBeNull();
  });

  it('wrap: Unsigned32 passes 2^32 - 1, the wrapped step is booked', () => {
    const r = run([
      [0, WRAP - 10],
      [1, WRAP - 3],
      [2, 4],
    ]);
    expect(r.verdicts).toEqual(['first', 'normal', 'wrap']);
    expect(r.de).toEqual([0, 7, 7]);
    expect(r.state.total).toBe((WRAP + 4) * 1000);
  });

  it('reset to ~0 on the PDU books what the counter counted since, and the total goes on', () => {
    const r = run([
      [0, 9_000_000],
      [1, 9_000_010],
      [2, 3],
      [3, 11],
    ]);
    expect(r.verdicts).toEqual(['first', 'normal', 'reset', 'normal']);
    expect(r.de).toEqual([0, 10, 3, 8]);
    expect(r.state.total).toBe(9_000_021_000);
  });

  it('a "reset" to a value the outlet could not have drawn since is no reset: nothing is booked', () => {
    // 100 kWh in a minute on a 10 A outlet: a different PDU answered, or a bogus read.
    const r = run([
      [0, 9_000_000],
      [1, 100_000],
      [2, 9_000_014],
    ]);
    expect(r.verdicts).toEqual(['first', 'glitch', 'normal']);
    expect(r.de).toEqual([0, 0, 14]);
  });

  it('a "reset" holding more than the power drawn could count is a swapped PDU, not a reset', () => {
    // 87 W for a minute is 1.5 Wh: a counter of 34 Wh has counted elsewhere (a PDU swapped in).
    const swapped = run([
      [0, 9_000_000, 87],
      [1, 34, 88],
      [2, 35, 87],
      [3, 37, 86],
      [4, 38, 87],
    ]);
    expect(swapped.verdicts).toEqual(['first', 'glitch', 'glitch', 'rebaseline', 'normal']);
    expect(swapped.de).toEqual([0, 0, 0, 0, 1]);
    // The same counter after a real reset, at the power that can count it: booked.
    expect(
      run([
        [0, 9_000_000, 2000],
        [1, 34, 2000],
      ]).verdicts,
    ).toEqual(['first', 'reset']);
  });

  it('a bogus 0 read heals: the counter back in its old segment books its step once, never twice', () => {
    const r = run([
      [0, 9_000_000],
      [1, 9_000_010],
      [2, 0], // looks like a reset: books 0, but keeps the old segment in mind
      [3, 9_000_030],
      [4, 9_000_040],
    ]);
    expect(r.verdicts).toEqual(['first', 'normal', 'reset', 'normal', 'normal']);
    expect(r.de).toEqual([0, 10, 0, 20, 10]);
    expect(r.state.total - r.state.origin).toBe(40_000);
    expect(r.state.prior).toBeNull();
  });

  it('a reset is trusted after a few steps: the old segment is let go', () => {
    const r = run([
      [0, 9_000_000],
      [1, 1],
      [2, 8],
      [3, 15],
      [4, 22],
    ]);
    expect(r.verdicts).toEqual(['first', 'reset', 'normal', 'normal', 'normal']);
    expect(r.steps[1]!.state.prior).not.toBeNull();
    expect(r.steps[CONFIRM_READS + 1]!.state.prior).toBeNull();
  });

  it('a swapped PDU: a new level confirmed by consistent reads is adopted, nothing booked', () => {
    const r = run([
      [0, 5_000_000],
      [1, 5_000_007],
      [2, 70_000_000],
      [3, 70_000_006],
      [4, 70_000_013],
      [5, 70_000_020],
    ]);
    expect(r.verdicts).toEqual(['first', 'normal', 'glitch', 'glitch', 'rebaseline', 'normal']);
    expect(r.de).toEqual([0, 7, 0, 0, 0, 7]);
    expect(r.state.counter).toBe(70_000_020);
    // Reads that disagree with each other never confirm anything.
    const noise = run([
      [0, 5_000_000],
      [1, 70_000_000],
      [2, 90_000_000],
      [3, 30_000_000],
      [4, 5_000_030],
    ]);
    expect(noise.verdicts).toEqual(['first', 'glitch', 'glitch', 'glitch', 'normal']);
    expect(noise.de.at(-1)).toBe(30);
  });

  it('gap: after an outage the increase over the gap is booked when plausible for the time', () => {
    // 3 h offline at ~1 kW: 3 kWh, plausible for a 10 A outlet over 3 h.
    const r = run([
      [0, 10_000],
      [180, 13_000],
      [181, 13_017],
    ]);
    expect(r.verdicts).toEqual(['first', 'gap', 'normal']);
    expect(r.de).toEqual([0, 3000, 17]);
    // Not plausible: more than the outlet's rating could draw in those 3 hours.
    const tooMuch = run([
      [0, 10_000],
      [180, 10_000 + Math.ceil(plausibleWh(RATED, 'outlet', 180 * MIN)) + 1],
    ]);
    expect(tooMuch.verdicts).toEqual(['first', 'glitch']);
  });

  it('a counter that was not read publishes nothing and the next read books from the baseline', () => {
    const r = run([
      [0, 10_000],
      [1, null],
      [2, 10_014],
    ]);
    expect(r.verdicts).toEqual(['first', 'none', 'normal']);
    expect(r.de).toEqual([0, 0, 14]);
  });

  it('refused: a counter outside its type, a negative power, and a poll not after the last', () => {
    const r = run([
      [0, 10_000],
      [1, -2_000_000_000],
      [2, 1.5],
      [3, 10_020],
      [3, 10_030], // the same time again (a duplicate poll): nothing to add
    ]);
    expect(r.verdicts).toEqual(['first', 'refused', 'refused', 'normal', 'none']);
    expect(r.de).toEqual([0, 0, 0, 20, 0]);
    expect(run([[0, null, -50]]).verdicts).toEqual(['refused']);
  });

  it('integrated: no counter (PX2): the trapezoid of power, estimated, never across a long gap', () => {
    const r = run([
      [0, null, 100],
      [1, null, 200],
      [2, null, null],
      [3, null, 200],
      [4, null, 200],
      [40, null, 200], // 36 minutes of silence: longer than the integrate limit
      [41, null, 100],
    ]);
    expect(r.verdicts).toEqual(['first', 'integrated', 'none', 'none', 'integrated', 'none', 'integrated']);
    expect(r.de.map((wh) => Math.round(wh * 1000))).toEqual([0, 2500, 0, 0, 3333, 0, 2500]);
    expect(r.steps[1]!.est).toBe(true);
    expect(r.state.est).toBe(true);
    // A power no outlet could draw integrates into nothing.
    expect(
      run([
        [0, null, 100],
        [1, null, 900_000],
      ]).verdicts,
    ).toEqual(['first', 'glitch']);
  });

  it('none: no counter and no power', () => {
    expect(
      run([
        [0, null, null],
        [1, null, null],
      ]).verdicts,
    ).toEqual(['none', 'none']);
  });

  it('a channel that integrated and then gets a counter goes on from its total, without a jump', () => {
    const r = run([
      [0, null, 600],
      [1, null, 600],
      [2, 5_000_000, 600],
      [3, 5_000_010, 600],
    ]);
    expect(r.verdicts).toEqual(['first', 'integrated', 'first', 'normal']);
    expect(r.state.total).toBe(10_000 + 10_000);
  });

  it('the bound is the rating over the elapsed time, with margins, and a fallback without a rating', () => {
    expect(plausibleWh(RATED, 'outlet', MIN)).toBeCloseTo((RATED * 1.5 * 70_000) / 3.6e6 + 2, 9);
    expect(plausibleWh(null, 'outlet', MIN)).toBeCloseTo((FALLBACK_OUTLET_W * 1.5 * 70_000) / 3.6e6 + 2, 9);
    expect(plausibleWh(null, 'inlet', MIN)).toBeGreaterThan(plausibleWh(null, 'outlet', MIN));
    // A jump a 10 A outlet cannot draw in a minute is caught; the same jump on an unrated 32 A one not.
    expect(
      run([
        [0, 1_000_000],
        [1, 1_000_300],
      ]).verdicts,
    ).toEqual(['first', 'glitch']);
    expect(
      run(
        [
          [0, 1_000_000],
          [1, 1_000_150],
        ],
        { rated: null },
      ).verdicts,
    ).toEqual(['first', 'normal']);
  });

  it('the state is whole numbers throughout, so what the history restores is exactly it', () => {
    const r = run([
      [0, null, 123.4],
      [1, null, 77.7],
      [2, 5_000_000, 10],
      [3, 5_000_001, 10],
      [4, 9, 10],
      [5, 90_000_000, 10],
    ]);
    const numbers = JSON.stringify(r.state).match(/-?\d+(\.\d+)?/g) ?? [];
    expect(numbers.every((n) => Number.isInteger(Number(n)))).toBe(true);
    expect(JSON.parse(JSON.stringify(r.state))).toEqual(r.state);
  });
});
