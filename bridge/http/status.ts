import type { Poller } from '../poller.ts';
import { displayName } from '../readings.ts';
import type { PduStatus, StatusSource } from './deps.ts';

/** What the status board shows of a configured PDU before it has ever answered. */
export interface PduEntry {
  id: string;
  /** The configured display name (`pdus[].name`), null: none. */
  name: string | null;
  host: string;
  port: number;
}

/** `host:port` as a user types it, brackets around an IPv6 literal. */
export const address = (p: { host: string; port: number }) =>
  `${p.host.includes(':') ? `[${p.host}]` : p.host}:${p.port}`;

/**
 * The pollers' state as the API shows it: one entry per unit of each configured PDU, in configuration
 * order. A view, not a copy: availability, the last poll and the counters are the pollers' own.
 */
export function createStatusBoard(
  pollers: () => readonly Poller[],
  entries: readonly PduEntry[] = [],
): StatusSource {
  const byId = new Map(entries.map((e) => [e.id, e]));
  return {
    pdus() {
      const out: PduStatus[] = [];
      for (const p of pollers()) {
        const entry = byId.get(p.id);
        const common = {
          source: p.id,
          online: p.online,
          lastPoll: p.stats.lastPoll,
          intervalMs: p.intervalMs,
          polls: p.stats.polls,
          failures: p.stats.failures,
          missed: p.stats.missed,
          ...(entry ? { address: address(entry) } : {}),
        };
        // Before the first good poll the units are unknown: show the configured id (and name) alone.
        if (p.last.length === 0)
          out.push({ id: p.id, reading: undefined, name: displayName(entry?.name, ''), ...common });
        for (const reading of p.last) out.push({ id: reading.id, reading, ...common });
      }
      return out;
    },
  };
}
