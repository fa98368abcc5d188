import type { Poller } from '../poller.ts';
import type { PollResult } from '../readings.ts';
import type { LiveEvent, LiveSource, PduStatus, StatusSource } from './types.ts';

/**
 * Adapters from the pollers to the server's two feeds, for the controller (bridge.ts) and tests:
 * a live hub the controller emits into after it recorded a poll, and a status board that remembers
 * each source's last poll (the pollers keep the readings and counters, not the time of a failure).
 */

export interface LiveHub extends LiveSource {
  emit(event: LiveEvent): void;
  readonly listeners: number;
}

export function createLiveHub(): LiveHub {
  const listeners = new Set<(e: LiveEvent) => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event) {
      for (const l of listeners) l(event);
    },
    get listeners() {
      return listeners.size;
    },
  };
}

export interface StatusBoard extends StatusSource {
  /** Call with every poll result (good or failed). */
  observe(result: PollResult): void;
}

export function createStatusBoard(pollers: () => readonly Poller[]): StatusBoard {
  const lastPoll = new Map<string, NonNullable<PduStatus['lastPoll']>>();
  return {
    observe(r) {
      lastPoll.set(r.source, {
        time: r.time,
        durationMs: r.durationMs,
        requests: r.requests,
        ok: r.ok,
        error: r.ok ? undefined : r.error,
      });
    },
    pdus() {
      const out: PduStatus[] = [];
      for (const p of pollers()) {
        const common = {
          source: p.id,
          online: p.online,
          lastPoll: lastPoll.get(p.id),
          polls: p.stats.polls,
          failures: p.stats.failures,
          missed: p.stats.missed,
        };
        // Before the first good poll the units are unknown: show the configured id alone.
        if (p.last.length === 0) out.push({ id: p.id, reading: undefined, ...common });
        for (const reading of p.last) out.push({ id: reading.id, reading, ...common });
      }
      return out;
    },
  };
}
