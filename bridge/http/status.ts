import type { Poller } from '../poller.ts';
import type { PduStatus, StatusSource } from './types.ts';

/**
 * The pollers' state as the API shows it: one entry per unit of each configured PDU, in configuration
 * order. A view, not a copy: availability, the last poll and the counters are the pollers' own.
 */
export function createStatusBoard(pollers: () => readonly Poller[]): StatusSource {
  return {
    pdus() {
      const out: PduStatus[] = [];
      for (const p of pollers()) {
        const common = {
          source: p.id,
          online: p.online,
          lastPoll: p.stats.lastPoll,
          intervalMs: p.intervalMs,
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
