import type { Logger } from '../log.ts';
import type { PollResult } from '../readings.ts';

/**
 * "Poll this PDU now", asked by a trap or by Home Assistant's "Poll now" button: coalesced and
 * rate-limited per PDU, so a flood of traps (or of button presses) costs at most one poll per
 * `spacingMs` (docs/security.md, "SNMP traps"). The first request polls at once (after GATHER_MS); requests that
 * arrive while that poll runs, or within the spacing, are served by one more poll after it. Each poll
 * it asks for begins after the request, even with the scheduled poll in flight (bridge/poller.ts
 * pollNow), so it reads the change the trap announced.
 */

export interface PollTarget {
  pollNow(): Promise<PollResult>;
  /** Re-read the layout (names, linked units) with the next poll. */
  invalidate(): void;
}

export interface PollScheduler {
  /** Asks for a poll of `source`; `layout`: re-read the layout with it. False for an unknown source. */
  request(source: string, opts?: { layout?: boolean }): boolean;
  stop(): void;
  /** Polls started by requests, per source. */
  readonly polls: ReadonlyMap<string, number>;
  /** Requests served by a poll already due (coalesced), per source. */
  readonly coalesced: ReadonlyMap<string, number>;
}

/** At most one requested poll per PDU per second: a trap burst on a switch (powerControl, then the
 * outlet's onOff sensor) is one or two polls, and a flood of thousands stays one a second. */
export const POLL_SPACING_MS = 1000;

/** A PDU sends its traps in bursts (powerControl, then the outlet's onOff outletSensorStateChange, a
 * millisecond apart): the first request waits this long, so the burst is one poll, not a poll and a
 * second one a second later for the trap that arrived while the first ran. */
export const GATHER_MS = 50;

interface SourceState {
  running: boolean;
  /** Time of the earliest request not yet served, ms (undefined: none pending). */
  pendingSince: number | undefined;
  layout: boolean;
  lastStart: number;
  timer: NodeJS.Timeout | undefined;
}

export function createPollScheduler(deps: {
  target: (source: string) => PollTarget | undefined;
  log: Logger;
  spacingMs?: number;
  gatherMs?: number;
  now?: () => number;
}): PollScheduler {
  const now = deps.now ?? Date.now;
  const spacing = deps.spacingMs ?? POLL_SPACING_MS;
  const gather = deps.gatherMs ?? GATHER_MS;
  const states = new Map<string, SourceState>();
  const polls = new Map<string, number>();
  const coalesced = new Map<string, number>();
  let stopped = false;
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

  function kick(source: string, s: SourceState): void {
    if (stopped || s.running || s.timer || s.pendingSince === undefined) return;
    const wait = Math.max(s.lastStart + spacing, s.pendingSince + gather) - now();
    if (wait > 0) {
      s.timer = setTimeout(() => {
        s.timer = undefined;
        kick(source, s);
      }, wait);
      s.timer.unref();
      return;
    }
    const target = deps.target(source);
    if (!target) return;
    if (s.layout) target.invalidate();
    s.pendingSince = undefined;
    s.layout = false;
    s.running = true;
    s.lastStart = now();
    bump(polls, source);
    // The poller's pollNow begins at or after the call, so what the request was about is read.
    target
      .pollNow()
      .catch((err: unknown) => deps.log.warn({ pdu: source, err: String(err) }, 'requested poll failed'))
      .finally(() => {
        s.running = false;
        kick(source, s);
      });
  }

  return {
    request(source, opts = {}) {
      if (stopped || !deps.target(source)) return false;
      let s = states.get(source);
      if (!s) {
        s = {
          running: false,
          pendingSince: undefined,
          layout: false,
          lastStart: Number.NEGATIVE_INFINITY,
          timer: undefined,
        };
        states.set(source, s);
      }
      if (s.pendingSince !== undefined) bump(coalesced, source);
      s.pendingSince ??= now();
      s.layout ||= opts.layout === true;
      kick(source, s);
      return true;
    },
    stop() {
      stopped = true;
      for (const s of states.values()) if (s.timer) clearTimeout(s.timer);
    },
    polls,
    coalesced,
  };
}
