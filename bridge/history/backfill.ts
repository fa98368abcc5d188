import { createEnergyTracker } from '../facts/energy-tracker.ts';
import type { PduReading } from '../readings.ts';
import type { History } from './history.ts';

/**
 * History for the demo (and the benchmark): polls built from a function of time go through
 * history.recordMany, the same recording and rollup path as live polls. Polls older than the raw
 * retention leave no raw samples (they would be pruned at once), only rollups: that is what makes a
 * year of 1-minute polls for 36 outlets take seconds, not minutes. Polls already recorded (a demo
 * restarted on the same database) are skipped by the recorder, so running it twice never doubles.
 * Every poll goes through an energy tracker first, restored from the history, as live polls do: the
 * backfilled energy and the live energy are one series, and the live bridge continues its totals.
 *
 * One loop records chunk by chunk; `backfill` and `backfillDemo` run it to the end at once (tests, the
 * benchmark), `fillDemo` waits for the event loop between chunks, so a running bridge keeps polling,
 * publishing and serving while the past fills in behind it (bridge/history/consumer.ts).
 */

export interface BackfillProgress {
  /** Polls recorded so far and in all. */
  done: number;
  total: number;
}

export interface BackfillResult {
  polls: number;
  rows: number;
  error?: string;
}

export interface BackfillOptions {
  history: History;
  /** The source: e.g. the simulator's model (sim/history-readings.ts), or sim/synthetic.ts. Readings' `time` should be timeMs. */
  model: (timeMs: number) => PduReading[];
  /** ms, inclusive. */
  from: number;
  /** ms, exclusive. */
  to: number;
  stepMs: number;
  /** Polls per transaction (default one simulated day at the step). */
  batch?: number;
  /** Called after each batch. */
  onProgress?: (p: BackfillProgress) => void;
}

interface Span {
  from: number;
  to: number;
  stepMs: number;
}

interface Chunk extends BackfillProgress {
  rows: number;
}

const polls = (s: Span) => Math.max(0, Math.ceil((s.to - s.from) / s.stepMs));

/**
 * Records the spans oldest first, one transaction per chunk (at most `batch` polls, and at most
 * `budgetMs` of work when that is finite), yielding the progress after each chunk.
 */
function* chunks(
  history: History,
  model: (timeMs: number) => PduReading[],
  spans: readonly Span[],
  batch: (s: Span) => number,
  budgetMs: number,
): Generator<Chunk, BackfillResult, void> {
  const energy = createEnergyTracker();
  energy.restore(history.energyStates());
  const total = spans.reduce((n, s) => n + polls(s), 0);
  let done = 0;
  let rows = 0;
  for (const s of spans) {
    const max = batch(s);
    let t = s.from;
    while (t < s.to) {
      const started = performance.now();
      let n = 0;
      const r = history.recordMany(
        (function* () {
          // The clock is read every 16 polls: a chunk of the demo's older days is a few hundred.
          while (t < s.to && n < max && (n % 16 !== 0 || performance.now() - started < budgetMs)) {
            yield energy.track(model(t)).units;
            t += s.stepMs;
            n++;
          }
        })(),
      );
      if (!r.ok) return { polls: done, rows, error: r.error };
      done += n;
      rows += r.rows;
      yield { done, total, rows };
    }
  }
  return { polls: done, rows };
}

function runToEnd(
  it: Generator<Chunk, BackfillResult, void>,
  onProgress?: (p: BackfillProgress) => void,
): BackfillResult {
  for (;;) {
    const step = it.next();
    if (step.done) return step.value;
    onProgress?.({ done: step.value.done, total: step.value.total });
  }
}

const oneDay = (s: Span) => Math.max(1, Math.round(86_400_000 / s.stepMs));

export function backfill(o: BackfillOptions): BackfillResult {
  if (!(o.stepMs > 0) || !(o.to > o.from))
    return { polls: 0, rows: 0, error: 'backfill needs from < to, stepMs > 0' };
  const span = { from: o.from, to: o.to, stepMs: o.stepMs };
  const batch = o.batch;
  return runToEnd(chunks(o.history, o.model, [span], batch ? () => batch : oneDay, Infinity), o.onProgress);
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
  onProgress?: (p: BackfillProgress) => void;
}

/**
 * A year of history up to now, aligned to the step, resuming after the last recorded poll when the
 * database already has one (a restarted demo fills only the hole).
 */
function demoSpans(o: DemoBackfillOptions): Span[] {
  const step = o.stepMs ?? 60_000;
  const older = o.olderStepMs ?? 300_000;
  const known = o.history.pdus().filter((p) => o.ids.includes(p.id));
  const last = known.length === o.ids.length ? Math.min(...known.map((p) => p.lastTime ?? 0)) : 0;
  const to = Math.floor(o.now / step) * step;
  const split = Math.floor((to - (o.recentDays ?? 7) * 86_400_000) / older) * older;
  const start = Math.max(Math.ceil((o.now - (o.days ?? 365) * 86_400_000) / older) * older, last + step);
  return [
    { from: start, to: Math.min(split, to), stepMs: older },
    { from: Math.max(start, split), to, stepMs: step },
  ].filter((s) => s.from < s.to);
}

/** `raritan2mqtt demo`'s year, recorded at once (tests, the benchmark, the e2e harness). */
export function backfillDemo(o: DemoBackfillOptions): BackfillResult {
  return runToEnd(chunks(o.history, o.model, demoSpans(o), oneDay, Infinity), o.onProgress);
}

export interface FillOptions extends DemoBackfillOptions {
  /** Stops after the chunk in progress (the result then has `error: 'stopped'`). */
  signal?: AbortSignal;
  /** Work per chunk before the event loop gets a turn, ms (default 10). */
  budgetMs?: number;
}

/**
 * The demo's year behind a running bridge: chunks of at most `budgetMs` of work, each its own
 * transaction, with a turn of the event loop between them (polls, MQTT and HTTP go on meanwhile: an
 * SNMP request to the demo's in-process agent and its answer wait for at most a chunk each).
 */
export async function fillDemo(o: FillOptions): Promise<BackfillResult> {
  const it = chunks(o.history, o.model, demoSpans(o), oneDay, o.budgetMs ?? 10);
  let last: BackfillResult = { polls: 0, rows: 0 };
  for (;;) {
    if (o.signal?.aborted) {
      it.return(last);
      return { ...last, error: 'stopped' };
    }
    const step = it.next();
    if (step.done) return step.value;
    const { done, total, rows } = step.value;
    last = { polls: done, rows };
    o.onProgress?.({ done, total });
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
