import { createEnergyTracker } from '../facts/energy-tracker.ts';
import type { PduReading } from '../readings.ts';
import type { History } from './history.ts';

/**
 * History for the demo (and the benchmark): polls built from a function of time go through
 * history.recordMany, the same recording and rollup path as live polls. Polls older than the raw
 * retention leave no raw samples (they would be pruned at once), only rollups: that is what makes a
 * year of 1-minute polls for 36 outlets take seconds, not minutes. Polls already recorded (a demo
 * restarted on the same database) are skipped by the recorder, so running it twice never doubles.
 * Every poll goes through the energy tracker first, restored from the history, as live polls do: the
 * backfilled energy and the live energy are one series, and the live bridge continues its totals.
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
  const energy = createEnergyTracker();
  energy.restore(o.history.energyStates());
  let polls = 0;
  let rows = 0;
  for (let t = o.from; t < o.to; ) {
    const start = t;
    const end = Math.min(o.to, start + batch * o.stepMs);
    const r = o.history.recordMany(
      (function* () {
        for (let x = start; x < end; x += o.stepMs) yield energy.track(o.model(x)).units;
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

export interface DemoBackfillOptions {
  history: History;
  model: (timeMs: number) => PduReading[];
  /** The PduReading ids the model yields, to resume after what is already recorded. */
  ids: readonly string[];
  now: number;
  /** Default 365. */
  days?: number;
  /** Default 60 s, the default poll interval: used for the last `recentDays`. */
  stepMs?: number;
  /**
   * Step for the older part (default 5 minutes). Older time is held in rollups only (raw samples are
   * pruned after 7 days anyway), and energy comes from the counter, so a coarser step changes only
   * how many samples each 15-minute average is made of, while the simulator's cost drops 5-fold.
   */
  olderStepMs?: number;
  /** Default 7 (the default raw retention). */
  recentDays?: number;
  onProgress?: (done: number) => void;
}

/**
 * `raritan2mqtt demo`: a year of history up to now, aligned to the step, resuming after the last
 * recorded poll when the database already has one (a restarted demo fills only the hole).
 */
export function backfillDemo(o: DemoBackfillOptions): BackfillResult {
  const step = o.stepMs ?? 60_000;
  const older = o.olderStepMs ?? 300_000;
  const known = o.history.pdus().filter((p) => o.ids.includes(p.id));
  const last = known.length === o.ids.length ? Math.min(...known.map((p) => p.lastTime ?? 0)) : 0;
  const to = Math.floor(o.now / step) * step;
  const split = Math.floor((to - (o.recentDays ?? 7) * 86_400_000) / older) * older;
  const start = Math.max(Math.ceil((o.now - (o.days ?? 365) * 86_400_000) / older) * older, last + step);
  const parts: [number, number, number][] = [
    [start, Math.min(split, to), older],
    [Math.max(start, split), to, step],
  ];
  const total = { polls: 0, rows: 0 } as BackfillResult;
  for (const [from, end, stepMs] of parts) {
    if (from >= end) continue;
    const r = backfill({
      history: o.history,
      model: o.model,
      from,
      to: end,
      stepMs,
      onProgress: o.onProgress,
    });
    total.polls += r.polls;
    total.rows += r.rows;
    if (r.error) return { ...total, error: r.error };
  }
  return total;
}
