import type { EnergyStep, EnergyVerdict } from '../readings.ts';
import { COUNTER_MODULUS } from '../snmp/mib.ts';
import { isCounterWh } from './ranges.ts';

/**
 * What one step of a channel's activeEnergy counter (PDU2-MIB sensor type 8, Unsigned32 Wh) means, and
 * the channel's total after it: the only place energy is decided. MQTT publishes the total, the history
 * stores the energy booked (`de`) and persists the state; both read it from the reading, neither decides
 * again. Home Assistant books every increase of a total_increasing sensor as consumption, for good, and
 * any decrease of more than 10% as a new meter: so the total never decreases and never books more than
 * the channel could have drawn. Pure. The rules, and why, are in docs/energy.md.
 */

/** Integration from power never spans a longer silence: the history shows a gap instead. */
export const DEFAULT_INTEGRATE_MAX_GAP_MS = 900_000;
/** Consistent reads at a new counter level before it is adopted (a swapped PDU), or a reset is trusted. */
export const CONFIRM_READS = 3;
/** When the PDU states no rating: an outlet of 32 A at 250 V, an inlet of 3 × 63 A at 250 V. */
export const FALLBACK_OUTLET_W = 8_000;
export const FALLBACK_INLET_W = 47_250;
/** Over the nameplate: a breaker carries some overload before it trips; measurement error. */
const MARGIN = 1.5;
/** The PDU updates its counter on its own clock, and one poll's reads take a while. */
const SLACK_MS = 10_000;
/** The counter's 1 Wh resolution, at both ends of a step. */
const SLACK_WH = 2;

export type ChannelKind = 'outlet' | 'inlet';

/** The most energy, Wh, a channel rated `ratedW` (null: unknown) could draw in `elapsedMs`. */
export function plausibleWh(ratedW: number | null, kind: ChannelKind, elapsedMs: number): number {
  const w = ratedW ?? (kind === 'inlet' ? FALLBACK_INLET_W : FALLBACK_OUTLET_W);
  return (w * MARGIN * (Math.max(0, elapsedMs) + SLACK_MS)) / 3_600_000 + SLACK_WH;
}

/** Over the larger of the two power readings around a reset: the load varies between polls. */
const RESET_POWER_MARGIN = 2;

/**
 * The most a counter restarted in the last `elapsedMs` can hold, Wh, given the channel's power before
 * and after (dW, null: unknown): a PDU swapped for one whose counter is small looks like a reset,
 * and only the power drawn tells the two apart. Infinity when neither power is known.
 */
export function sinceResetWh(before: number | null, after: number | null, elapsedMs: number): number {
  if (before === null && after === null) return Number.POSITIVE_INFINITY;
  const w = (Math.max(before ?? 0, after ?? 0) / 10) * RESET_POWER_MARGIN;
  return (w * (Math.max(0, elapsedMs) + SLACK_MS)) / 3_600_000 + SLACK_WH;
}

/** A channel's tracker state; all whole numbers, so that what the history restores is exactly this. */
export interface EnergyState {
  /** The trusted counter baseline, Wh, and when it was read (ms); null: no counter seen yet. */
  counter: number | null;
  counterAt: number;
  /** The last sample (ms) and its active power, dW, for integration (null: unknown). */
  at: number;
  power: number | null;
  /** The running total, mWh: never decreases. */
  total: number;
  /** The total when the channel was first seen, mWh (a counter channel starts at its counter). */
  origin: number;
  /** Some of the total was integrated from power: an estimate. */
  est: boolean;
  /** A counter level off the baseline, not yet confirmed: its latest read and how many agreed. */
  candidate: { counter: number; at: number; reads: number } | null;
  /** The baseline before a reset, kept until the new segment is confirmed: a bogus low read heals. */
  prior: { counter: number; at: number; total: number; reads: number } | null;
}

export interface EnergyInput {
  /** Time of the poll, ms. */
  at: number;
  /** activeEnergy as read, Wh, or null. */
  counter: number | null;
  /** Active power, W, or null. */
  power: number | null;
  /** Nameplate power, W, or null. */
  ratedPower: number | null;
  kind: ChannelKind;
}

export interface EnergyOptions {
  integrateMaxGapMs?: number;
}

const empty = (at: number): EnergyState => ({
  counter: null,
  counterAt: at,
  at,
  power: null,
  total: 0,
  origin: 0,
  est: false,
  candidate: null,
  prior: null,
});

const result = (verdict: EnergyVerdict, de: number, state: EnergyState, est = false): EnergyStep => ({
  verdict,
  de,
  est,
  total: state.total,
  state,
});

/** One poll of one channel: what it books, and where it leaves the channel. */
export function energyStep(
  prev: EnergyState | undefined,
  input: EnergyInput,
  opts: EnergyOptions = {},
): EnergyStep {
  const maxGap = opts.integrateMaxGapMs ?? DEFAULT_INTEGRATE_MAX_GAP_MS;
  const counterOk = input.counter === null || isCounterWh(input.counter);
  // Energy is never negative: a negative power (or NaN) is not integrated.
  const powerOk = input.power === null || (Number.isFinite(input.power) && input.power >= 0);
  if (!counterOk || (input.counter === null && !powerOk))
    return result('refused', 0, prev ?? empty(input.at));
  // A poll not after the last (a duplicate, the clock stepped back) has nothing to add.
  if (prev && input.at <= prev.at) return result('none', 0, prev);
  const from = prev ?? empty(input.at);
  const next: EnergyState = {
    counter: from.counter,
    counterAt: from.counterAt,
    at: input.at,
    power: powerOk && input.power !== null ? Math.round(input.power * 10) : null,
    total: from.total,
    origin: from.origin,
    est: from.est,
    candidate: from.candidate,
    prior: from.prior,
  };
  if (input.counter !== null) return counterStep(prev, next, input.counter, input, maxGap);
  if (!prev) return result(next.power === null ? 'none' : 'first', 0, next);
  // A counter channel that read nothing this time: the next good read books from the baseline.
  if (prev.counter !== null) return result('none', 0, next);
  return integrate(prev, next, input, maxGap);
}

/** Moves the baseline to this read and books `wh`; a reset starts `prior`, a good step ages it. */
function advance(
  prev: EnergyState,
  next: EnergyState,
  c: number,
  at: number,
  wh: number,
  verdict: EnergyVerdict,
) {
  if (verdict !== 'reset') {
    // Each good step after a reset confirms it; after CONFIRM_READS the old segment is let go.
    const p = prev.prior;
    next.prior = p && p.reads + 1 < CONFIRM_READS ? { ...p, reads: p.reads + 1 } : null;
  }
  next.counter = c;
  next.counterAt = at;
  next.candidate = null;
  next.total = prev.total + wh * 1000;
  return result(verdict, wh * 1000, next);
}

function counterStep(
  prev: EnergyState | undefined,
  next: EnergyState,
  c: number,
  input: EnergyInput,
  maxGap: number,
): EnergyStep {
  const at = input.at;
  if (!prev || prev.counter === null) {
    // A new channel's total starts at the PDU's own counter, so Home Assistant shows what the PDU
    // shows; one that already booked energy from power goes on from its total, without a jump.
    if (prev === undefined || prev.total === prev.origin) next.total = next.origin = c * 1000;
    next.counter = c;
    next.counterAt = at;
    next.candidate = null;
    next.prior = null;
    return result('first', 0, next);
  }
  const base = prev.counter;
  const gap = at - prev.at > maxGap;
  const d = c - base;
  const limit = plausibleWh(input.ratedPower, input.kind, at - prev.counterAt);
  if (d >= 0 && d <= limit) return advance(prev, next, c, at, d, gap ? 'gap' : 'normal');
  if (d < 0) {
    const wrapped = c + COUNTER_MODULUS - base;
    if (wrapped <= limit) return advance(prev, next, c, at, wrapped, 'wrap');
    // Restarted near 0 on the PDU: the counter now holds what was drawn since the reset, which has to
    // be plausible for the time and the power drawn; a step back to above half the old value is not
    // a reset.
    if (c <= limit && c < base / 2 && c <= sinceResetWh(prev.power, next.power, at - prev.counterAt)) {
      next.prior = { counter: base, at: prev.counterAt, total: prev.total, reads: 0 };
      return advance(prev, next, c, at, c, 'reset');
    }
  }
  const p = prev.prior;
  if (p && c >= p.counter && c - p.counter <= plausibleWh(input.ratedPower, input.kind, at - p.at)) {
    // The "reset" was a bogus low read: the counter goes on in its old segment. Book what that
    // segment counted beyond what is already booked, never the same energy twice.
    const total = Math.max(prev.total, p.total + (c - p.counter) * 1000);
    next.counter = c;
    next.counterAt = at;
    next.candidate = null;
    next.prior = null;
    next.total = total;
    return result(gap ? 'gap' : 'normal', total - prev.total, next);
  }
  // A step back that is no reset, or a jump no load could draw: book nothing, keep the baseline.
  // Reads that agree with each other at the new level (a swapped PDU) become the baseline.
  const cand = prev.candidate;
  const agrees =
    cand !== null &&
    c >= cand.counter &&
    c - cand.counter <= plausibleWh(input.ratedPower, input.kind, at - cand.at);
  const reads = agrees ? cand.reads + 1 : 1;
  if (reads >= CONFIRM_READS) {
    next.counter = c;
    next.counterAt = at;
    next.candidate = null;
    next.prior = null;
    return result('rebaseline', 0, next);
  }
  next.candidate = { counter: c, at, reads };
  return result('glitch', 0, next);
}

/** No counter (the PX2 walk): the trapezoid of power over time, an estimate, never across a gap. */
function integrate(prev: EnergyState, next: EnergyState, input: EnergyInput, maxGap: number): EnergyStep {
  const dt = input.at - prev.at;
  if (prev.power === null || next.power === null || dt > maxGap) return result('none', 0, next);
  // dW × ms → mWh: W = dW / 10, Wh = W × ms / 3.6e6, mWh = Wh × 1000.
  const de = Math.round(((prev.power + next.power) * dt) / 72_000);
  if (de > plausibleWh(input.ratedPower, input.kind, dt) * 1000) return result('glitch', 0, next);
  next.total = prev.total + de;
  next.est = true;
  return result('integrated', de, next, true);
}
