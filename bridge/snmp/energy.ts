import { COUNTER_MODULUS } from './mib.ts';

/**
 * Turns the PDU's activeEnergy counter (Unsigned32 Wh) into a kWh total that never decreases and never
 * jumps (DESIGN.md section 1): a wrap adds 2^32 Wh, a reset on the PDU starts a new segment on top of
 * what was counted before, an implausible leap (a swapped PDU, a corrupt read) adds nothing, and a failed
 * read (null) publishes nothing. Home Assistant's total_increasing sensors book any decrease as a new
 * meter and any spike as consumption, so both must never reach them.
 */

/** Generous bound for what one PDU unit can draw: 3 × 63 A × 400 V ≈ 76 kW; 200 kW leaves room. */
const MAX_PLAUSIBLE_WATTS = 200_000;
/** Allowance for clock skew and tiny intervals. */
const MIN_PLAUSIBLE_WH = 1_000;

interface Track {
  /** Last counter value, Wh. */
  last: number;
  /** Added to the counter to make the total, Wh. */
  offset: number;
  time: number;
}

export type EnergyEvent = 'first' | 'normal' | 'wrap' | 'reset' | 'leap';

export interface EnergyTracker {
  /** The running total in kWh for `key`, or null when the counter is null (nothing to publish). */
  track(key: string, counterWh: number | null, time: number): number | null;
  /** What the last `track` call saw, for logs and tests. */
  readonly lastEvent: EnergyEvent | undefined;
}

export function plausibleWh(elapsedMs: number): number {
  return Math.max(MIN_PLAUSIBLE_WH, (MAX_PLAUSIBLE_WATTS * Math.max(0, elapsedMs)) / 3_600_000);
}

export function createEnergyTracker(): EnergyTracker {
  const tracks = new Map<string, Track>();
  let lastEvent: EnergyEvent | undefined;
  return {
    get lastEvent() {
      return lastEvent;
    },
    track(key, counterWh, time) {
      if (counterWh === null || !Number.isFinite(counterWh) || counterWh < 0) {
        lastEvent = undefined;
        return null;
      }
      const t = tracks.get(key);
      if (!t) {
        tracks.set(key, { last: counterWh, offset: 0, time });
        lastEvent = 'first';
        return counterWh / 1000;
      }
      const bound = plausibleWh(time - t.time);
      if (counterWh >= t.last) {
        if (counterWh - t.last > bound) {
          // Keep the total where it was: the new counter value becomes the new baseline.
          t.offset -= counterWh - t.last;
          lastEvent = 'leap';
        } else lastEvent = 'normal';
      } else if (counterWh + COUNTER_MODULUS - t.last <= bound) {
        t.offset += COUNTER_MODULUS;
        lastEvent = 'wrap';
      } else {
        // Reset to zero on the PDU: the counter now measures energy since the reset.
        t.offset += t.last;
        lastEvent = 'reset';
      }
      t.last = counterWh;
      t.time = time;
      return (t.offset + counterWh) / 1000;
    },
  };
}
