import type { PduReading } from '../readings.ts';
import type { History } from './history.ts';

/**
 * History for the demo (and the benchmark): polls built from a function of time go through
 * history.recordMany, the same recording and rollup path as live polls. Polls older than the raw
 * retention leave no raw samples (they would be pruned at once), only rollups: that is what makes a
 * year of 1-minute polls for 36 outlets take seconds, not minutes. Polls already recorded (a demo
 * restarted on the same database) are skipped by the recorder, so running it twice never doubles.
 */

export interface BackfillOptions {
  history: History;
  /** The source: e.g. the simulator's model, or synthetic.ts. Readings' `time` should be timeMs. */
  model: (timeMs: number) => PduReading[];
  /** ms, inclusive. */
  from: number;
  /** ms, exclusive. */
  to: number;
  stepMs: number;
  /** Polls per transaction (default one simulated day at the step). */
  batch?: number;
  /** Called after each batch with the fraction done, 0..1. */
  onProgress?: (done: number) => void;
}

export interface BackfillResult {
  polls: number;
  rows: number;
  error?: string;
}

export function backfill(o: BackfillOptions): BackfillResult {
  if (!(o.stepMs > 0) || !(o.to > o.from))
    return { polls: 0, rows: 0, error: 'backfill needs from < to, stepMs > 0' };
  const batch = o.batch ?? Math.max(1, Math.round(86_400_000 / o.stepMs));
  let polls = 0;
  let rows = 0;
  for (let t = o.from; t < o.to; ) {
    const start = t;
    const end = Math.min(o.to, start + batch * o.stepMs);
    const r = o.history.recordMany(
      (function* () {
        for (let x = start; x < end; x += o.stepMs) yield o.model(x);
      })(),
    );
    if (!r.ok) return { polls, rows, error: r.error };
    polls += Math.ceil((end - start) / o.stepMs);
    rows += r.rows;
    t = start + Math.ceil((end - start) / o.stepMs) * o.stepMs;
    o.onProgress?.((t - o.from) / (o.to - o.from));
  }
  return { polls, rows };
}
