/**
 * How the simulated PDU is wired: which overcurrent protector feeds an outlet and which line of the
 * inlet it hangs on. Consecutive outlets share a protector (a PX3 with 36 outlets on 6 breakers feeds 6
 * outlets from each); on a 3-phase (wye) unit each protector sits on one line, L1, L2, L3 in turn, and its
 * outlets see that line's line-to-neutral voltage. Pure.
 */

export type Phases = 1 | 3;

export interface Wiring {
  phases: Phases;
  /** Overcurrent protectors (0: none, every outlet is fed by the inlet directly). */
  breakers: number;
  /** Outlets (or, on an inlet-metered unit, hidden loads) per protector. */
  perBreaker: number;
}

/** overCurrentProtectorRatedCurrent of every simulated protector: "16A". */
export const BREAKER_RATED_A = 16;

export function createWiring(phases: Phases, breakers: number, loads: number): Wiring {
  if (!Number.isInteger(breakers) || breakers < 0 || breakers > 24)
    throw new RangeError(`breakers must be 0..24, got ${breakers}`);
  return { phases, breakers, perBreaker: breakers === 0 ? loads : Math.ceil(loads / breakers) };
}

/** The protector (1-based) feeding an outlet, or null when there are none. */
export function breakerOf(w: Wiring, outlet: number): number | null {
  if (w.breakers === 0) return null;
  return Math.min(w.breakers, Math.ceil(outlet / w.perBreaker));
}

/** The line (1..3) an outlet is on: a protector's line, or round-robin without protectors. */
export function lineOf(w: Wiring, outlet: number): 1 | 2 | 3 {
  if (w.phases === 1) return 1;
  const b = breakerOf(w, outlet);
  return ((((b ?? outlet) - 1) % 3) + 1) as 1 | 2 | 3;
}

/** The outlets (1..loads) a protector feeds. */
export function outletsOf(w: Wiring, breaker: number, loads: number): number[] {
  const out: number[] = [];
  for (let o = 1; o <= loads; o++) if (breakerOf(w, o) === breaker) out.push(o);
  return out;
}

/** Each line's offset from the unit's nominal line-to-neutral voltage, V (a real grid is never balanced). */
export const LINE_OFFSET_V: Readonly<Record<1 | 2 | 3, number>> = { 1: 0, 2: 0.6, 3: -0.5 };

/** A 400 V (wye) system: 230 V nominal, measured ~228 V line-to-neutral under load, ~394 V line-to-line. */
export const THREE_PHASE_DROP_V = 2;

/**
 * The neutral current of a wye system with balanced phase angles, A: |I1 + I2·e^(−j120°) + I3·e^(j120°)|.
 */
export function neutralCurrent(i1: number, i2: number, i3: number): number {
  return Math.sqrt(Math.max(0, i1 * i1 + i2 * i2 + i3 * i3 - i1 * i2 - i2 * i3 - i3 * i1));
}

/** Line-to-line voltage between two line-to-neutral phasors 120° apart, V. */
export function lineToLine(a: number, b: number): number {
  return Math.sqrt(a * a + b * b + a * b);
}

/** unbalancedCurrent as a PX computes it: the largest deviation from the average line current, % of it. */
export function unbalancePercent(currents: readonly number[]): number {
  const avg = currents.reduce((s, c) => s + c, 0) / currents.length;
  if (!(avg > 0)) return 0;
  return (Math.max(...currents.map((c) => Math.abs(c - avg))) / avg) * 100;
}
