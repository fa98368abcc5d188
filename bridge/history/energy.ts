/**
 * Energy per interval from the PDU's activeEnergy counter (PDU2-MIB sensor type 8, Unsigned32 Wh),
 * or integrated from power where a PDU has no counter (the PX2 walk). Pure: a function of the
 * previous sample and the current one. DESIGN.md section 1: the total never decreases and never jumps.
 */

/** activeEnergy is Unsigned32: it wraps to 0 after 2^32 - 1 Wh. */
export const COUNTER_WRAP_WH = 2 ** 32;
/**
 * No single outlet or inlet draws more than this (a 3-phase 63 A inlet is ~44 kW). A counter step
 * larger than this power over the elapsed time is not energy: it is a bogus read or a swapped PDU.
 */
export const MAX_PLAUSIBLE_W = 50_000;
/** Integration across a longer silence would be a guess: the series shows a gap instead. */
export const DEFAULT_INTEGRATE_MAX_GAP_S = 900;

export interface EnergyPrev {
  ts: number;
  /** Counter, Wh, or null. */
  counter: number | null;
  /** Power, W, or null (also null after the PDU was marked offline). */
  power: number | null;
}

export interface EnergyCur {
  ts: number;
  counter: number | null;
  power: number | null;
}

export type EnergyKind =
  | 'first' // nothing to compare with: the counter starts a segment
  | 'increase'
  | 'wrap' // counter passed 2^32 - 1
  | 'reset' // counter set back on the PDU: a new segment starts at the new value
  | 'jump' // an increase no outlet could draw: a new segment, nothing booked
  | 'integrated' // no counter: trapezoid of power over time, estimated
  | 'none'; // no counter and nothing to integrate over

export interface EnergyStep {
  wh: number;
  estimated: boolean;
  kind: EnergyKind;
}

export function plausibleWh(dtS: number): number {
  // +1 Wh: the counter has 1 Wh resolution, so one count may land early.
  return (MAX_PLAUSIBLE_W * dtS) / 3600 + 1;
}

export function energyStep(
  prev: EnergyPrev | undefined,
  cur: EnergyCur,
  integrateMaxGapS = DEFAULT_INTEGRATE_MAX_GAP_S,
): EnergyStep {
  const dt = prev ? cur.ts - prev.ts : 0;
  if (cur.counter !== null) {
    if (!prev || prev.counter === null || dt <= 0) return { wh: 0, estimated: false, kind: 'first' };
    const bound = plausibleWh(dt);
    const d = cur.counter - prev.counter;
    if (d >= 0) {
      return d <= bound
        ? { wh: d, estimated: false, kind: 'increase' }
        : { wh: 0, estimated: false, kind: 'jump' };
    }
    const wrapped = cur.counter + COUNTER_WRAP_WH - prev.counter;
    if (wrapped <= bound) return { wh: wrapped, estimated: false, kind: 'wrap' };
    // A reset happened somewhere inside (prev.ts, cur.ts]: the counter has counted cur.counter Wh since,
    // all of it inside this interval, so booking it here is exact (a lower bound of the interval's use).
    // A value no outlet could have drawn in that time is not "since the reset": book nothing.
    return { wh: cur.counter <= bound ? cur.counter : 0, estimated: false, kind: 'reset' };
  }
  if (cur.power === null || !prev || prev.power === null || dt <= 0 || dt > integrateMaxGapS) {
    return { wh: 0, estimated: cur.power !== null, kind: 'none' };
  }
  return { wh: (((prev.power + cur.power) / 2) * dt) / 3600, estimated: true, kind: 'integrated' };
}
