/**
 * When a reading is "stale": the one rule the API, the live stream and the panel all apply
 * (docs/architecture.md). Availability itself is the poller's; staleness qualifies an online PDU whose
 * numbers can no longer be trusted to be current: its last poll failed (one lost answer, not yet an
 * outage), or its last good reading is older than a few poll intervals (the bridge stopped polling it,
 * or the panel lost the stream). Pure, so the panel imports it too.
 */

/** Polls that may be missed before a reading counts as old, and a floor for very short intervals. */
const STALE_POLLS = 3;
const STALE_FLOOR_MS = 30_000;

export function staleAfterMs(intervalMs: number): number {
  return Math.max(STALE_FLOOR_MS, STALE_POLLS * intervalMs);
}

export interface FreshnessInput {
  /** The poller's availability (undefined/null before the first poll ended). */
  online: boolean | null | undefined;
  /** Whether the last poll succeeded (undefined: none yet). */
  lastPollOk: boolean | undefined;
  /** Time of the last good reading, ms (null: none yet). */
  time: number | null;
  /** The PDU's poll interval, ms. */
  intervalMs: number;
}

/** True for an online PDU whose last poll failed or whose reading is older than staleAfterMs. */
export function isStale(p: FreshnessInput, now: number): boolean {
  if (p.online !== true) return false;
  if (p.lastPollOk === false) return true;
  return p.time === null || now - p.time > staleAfterMs(p.intervalMs);
}
