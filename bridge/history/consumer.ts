import type { Bus, Consumer } from '../bus.ts';
import type { Logger } from '../log.ts';
import type { PollResult } from '../readings.ts';
import type { BackfillProgress, BackfillResult } from './backfill.ts';
import type { History } from './history.ts';

/**
 * The history as a consumer of the bus: every good poll is recorded in one transaction; a unit the
 * poller declares offline is marked offline (a gap: power is not integrated across it). A failed poll
 * alone records nothing, and a poll the history could not commit is logged and never retried into a
 * double count. After each commit it says so on the bus (`recorded`), for whatever shows what the
 * history derives (today's energy, peaks).
 *
 * With a backfill (the demo's year), the past is filled in first while the bridge already runs: live
 * polls and offline marks are queued meanwhile, in order, and recorded once it has ended. The recorder
 * drops a poll before the last one recorded, so a live poll recorded first would have made the
 * whole past unrecordable; queued, each is recorded after it, and its energy is what the tracker's total
 * grew by since the backfill's last poll (docs/energy.md): MQTT's totals and the history's agree.
 */

/** Fills the past behind a running bridge (backfill.ts' fillDemo); stops early when `signal` aborts. */
export type BackfillRun = (
  history: History,
  report: (p: BackfillProgress) => void,
  signal: AbortSignal,
) => Promise<BackfillResult>;

export interface HistoryConsumer extends Consumer {
  /** Polls done and to do while a backfill runs; null when none runs. */
  backfill(): BackfillProgress | null;
}

export function createHistoryConsumer({
  bus,
  history,
  log,
  backfill,
}: {
  bus: Bus;
  history: History;
  log: Logger;
  backfill?: BackfillRun | undefined;
}): HistoryConsumer {
  const off: (() => void)[] = [];
  let queue: (() => void)[] | null = null;
  let progress: BackfillProgress | null = null;
  let running: Promise<void> | undefined;
  let abort: AbortController | undefined;

  const record = (result: PollResult & { ok: true }) => {
    const recorded = history.record(result.units);
    if (!recorded.ok) {
      log.error({ pdu: result.source, error: recorded.error }, 'history: poll not recorded');
      return;
    }
    bus.emit('recorded', { source: result.source, units: result.units.map((u) => u.id), time: result.time });
  };
  const later = (f: () => void) => (queue ? queue.push(f) : f());

  const run = (fill: BackfillRun) => {
    queue = [];
    progress = { done: 0, total: 0 };
    const ac = new AbortController();
    abort = ac;
    // It starts once the first poll has ended: the first live reading is not slowed down by it.
    let stopWaiting = () => {};
    const first = new Promise<void>((resolve) => {
      stopWaiting = bus.on('poll', () => resolve(), 'history-backfill');
      ac.signal.addEventListener('abort', () => resolve());
    });
    void first.then(() => stopWaiting());
    let started = performance.now();
    let shown = -1;
    const report = (p: BackfillProgress) => {
      progress = p;
      const pct = p.total > 0 ? Math.floor((p.done / p.total) * 100) : 0;
      if (pct === shown) return;
      shown = pct;
      bus.emit('backfill', { ...p, running: true });
      if (pct % 10 === 0) log.info({ done: p.done, total: p.total }, `history backfill ${pct}%`);
    };
    running = first
      .then(() => {
        started = performance.now();
        return ac.signal.aborted ? { polls: 0, rows: 0, error: 'stopped' } : fill(history, report, ac.signal);
      })
      .then(
        (r) => {
          const seconds = ((performance.now() - started) / 1000).toFixed(1);
          if (r.error) log.warn({ polls: r.polls, error: r.error, seconds }, 'history backfill incomplete');
          else log.info({ polls: r.polls, seconds, queued: queue?.length ?? 0 }, 'history ready');
        },
        (err: unknown) => log.error({ err: String(err) }, 'history backfill failed'),
      )
      .finally(() => {
        const held = queue ?? [];
        queue = null;
        for (const f of held) f();
        const last = progress ?? { done: 0, total: 0 };
        progress = null;
        bus.emit('backfill', { ...last, running: false });
      });
  };

  return {
    name: 'history',
    start() {
      off.push(
        bus.on(
          'poll',
          (result) => {
            if (result.ok) later(() => record(result));
          },
          'history',
        ),
        bus.on(
          'availability',
          (change) => {
            if (change.online) return;
            later(() => {
              for (const id of change.units) history.recordOffline(id, change.time);
            });
          },
          'history',
        ),
        bus.on('event', (e) => history.recordEvent(e), 'history'),
      );
      if (backfill) run(backfill);
    },
    async stop() {
      // The polls queued so far are recorded once the chunk in progress has ended.
      abort?.abort();
      await running;
      for (const f of off.splice(0)) f();
    },
    backfill: () => progress,
  };
}
