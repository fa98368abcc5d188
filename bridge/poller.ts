import type { AvailabilityChange } from './bus.ts';
import type { EnergyTracker } from './facts/energy-tracker.ts';
import type { Logger } from './log.ts';
import { type PduReading, type PollResult, withDisplayName } from './readings.ts';
import { describeReadError, type PduReader } from './snmp/reader.ts';

/**
 * One poller per configured PDU, each with its own timer and SNMP session, so an unreachable PDU only
 * ever delays itself. Polls are aligned to the interval; a poll still running when the next is due makes
 * that cycle "missed" instead of queueing up.
 *
 * The poller is the only owner of availability (docs/architecture.md): online after a good poll,
 * offline after `offlineAfter` failed ones in a row (one lost UDP packet is not an outage), and a linked
 * unit that a good poll no longer reports goes offline on its own. Every consumer (MQTT, history, the
 * panel, /metrics) takes availability from these changes and from `online`, never from a poll's `ok`.
 */

/** The last poll of this PDU, good or failed. */
export interface LastPoll {
  time: number;
  durationMs: number;
  requests: number;
  ok: boolean;
  error: string | undefined;
}

export interface PollerStats {
  polls: number;
  failures: number;
  missed: number;
  lastDurationMs: number;
  lastRequests: number;
  lastError: string | undefined;
  /** undefined before the first poll has ended. */
  lastPoll: LastPoll | undefined;
}

export interface Poller {
  readonly id: string;
  /** ms between polls. */
  readonly intervalMs: number;
  start(): void;
  /** Stops the timer and waits for a poll in flight, so its result is delivered. */
  stop(): Promise<void>;
  /**
   * A poll that begins at or after this call (after a command, a trap, a test's change to the PDU): with
   * one in flight, its reads may predate the change, so one more follows it, shared by every caller.
   */
  pollNow(): Promise<PollResult>;
  /** The poll in flight, if any: for a caller that wants its result (the start-up poll), not a newer one. */
  readonly inFlight: Promise<PollResult> | undefined;
  readonly online: boolean | undefined;
  readonly stats: Readonly<PollerStats>;
  /** The units of the last good poll. */
  readonly last: readonly PduReading[];
}

export interface PollerDeps {
  id: string;
  /** ms */
  intervalMs: number;
  /**
   * ms after each interval boundary this PDU is polled at (0..intervalMs). The controller spreads its
   * PDUs over the interval, so 200 PDUs are not all read, decoded and published in the same instant.
   */
  phaseMs?: number;
  offlineAfter: number;
  reader: PduReader;
  /** Decides every channel's energy (bridge/facts/energy.ts); shared with the history that persists it. */
  energy: EnergyTracker;
  /** The configured display name (`pdus[].name`; null: the PDU's own), applied to every reading. */
  displayName?: string | null;
  target: { host: string; port: number; version: '1' | '2c' | '3' };
  log: Logger;
  onResult: (result: PollResult) => void;
  /** Emitted before the poll result that caused it. */
  onAvailability: (change: AvailabilityChange) => void;
  now?: () => number;
}

/** How long stop() waits for a poll in flight before abandoning it, ms. */
export const STOP_GRACE_MS = 2000;

/** Whether `p` settles (either way) within `ms`. */
function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    late,
  ]).finally(() => clearTimeout(timer));
}

export function createPoller(deps: PollerDeps): Poller {
  const now = deps.now ?? Date.now;
  const stats: PollerStats = {
    polls: 0,
    failures: 0,
    missed: 0,
    lastDurationMs: 0,
    lastRequests: 0,
    lastError: undefined,
    lastPoll: undefined,
  };
  let online: boolean | undefined;
  let failuresInRow = 0;
  let last: PduReading[] = [];
  let inFlight: Promise<PollResult> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let startTimer: NodeJS.Timeout | undefined;
  let running = false;
  /** Set by stop(): a queued poll must not start on the closed reader. */
  let stopped = false;

  const change = (units: readonly string[], isOnline: boolean, time: number) => {
    if (units.length > 0) deps.onAvailability({ source: deps.id, units, online: isOnline, time });
  };

  async function poll(): Promise<PollResult> {
    const time = now();
    const started = performance.now();
    let result: PollResult;
    try {
      const read = await deps.reader.read(time);
      if (read.problems.length > 0)
        deps.log.warn({ pdu: deps.id, problems: read.problems.slice(0, 5) }, 'incomplete reading');
      const before = last.map((u) => u.id);
      const tracked = deps.energy.track(withDisplayName(read.units, deps.displayName));
      if (tracked.events.length > 0)
        deps.log[tracked.events.some((e) => e.verdict !== 'wrap' && e.verdict !== 'reset') ? 'warn' : 'info'](
          { pdu: deps.id, energy: tracked.events.slice(0, 5) },
          'energy counter did not just count up (docs/energy.md)',
        );
      last = tracked.units;
      const ids = last.map((u) => u.id);
      failuresInRow = 0;
      if (online !== true) {
        online = true;
        deps.log.info({ pdu: deps.id, units: ids }, 'PDU online');
        change(ids, true, time);
      } else {
        // A linked unit that appeared (a unit daisy-chained at run time) is online from now on.
        change(
          ids.filter((id) => !before.includes(id)),
          true,
          time,
        );
      }
      // A linked unit the PDU no longer reports is offline, whatever the others do.
      change(
        before.filter((id) => !ids.includes(id)),
        false,
        time,
      );
      result = {
        ok: true,
        source: deps.id,
        time,
        units: last,
        online: true,
        intervalMs: deps.intervalMs,
        durationMs: performance.now() - started,
        requests: read.requests,
      };
    } catch (error) {
      const message = describeReadError(error, deps.target);
      stats.failures++;
      failuresInRow++;
      // One warning per outage, not one per poll for as long as a PDU stays away.
      if (failuresInRow === 1) deps.log.warn({ pdu: deps.id, error: message }, 'poll failed');
      else deps.log.debug({ pdu: deps.id, error: message, failuresInRow }, 'poll failed');
      if (online !== false && failuresInRow >= deps.offlineAfter) {
        online = false;
        deps.log.warn({ pdu: deps.id, failures: failuresInRow, error: message }, 'PDU offline');
        change(last.length ? last.map((u) => u.id) : [deps.id], false, time);
      }
      result = {
        ok: false,
        source: deps.id,
        time,
        error: message,
        online,
        intervalMs: deps.intervalMs,
        durationMs: performance.now() - started,
        requests: 0,
      };
    }
    stats.polls++;
    stats.lastDurationMs = result.durationMs;
    stats.lastRequests = result.requests;
    stats.lastError = result.ok ? undefined : result.error;
    stats.lastPoll = {
      time,
      durationMs: result.durationMs,
      requests: result.requests,
      ok: result.ok,
      error: result.ok ? undefined : result.error,
    };
    deps.onResult(result);
    return result;
  }

  function begin(): Promise<PollResult> {
    inFlight = poll().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  /** The poll queued behind the one in flight (pollNow). */
  let next: Promise<PollResult> | undefined;
  function pollNow(): Promise<PollResult> {
    const current = inFlight;
    if (!current) return begin();
    next ??= current.then((result) => {
      next = undefined;
      // Stopped meanwhile: the reader is closed; the poll that was in flight is the last word.
      return stopped ? result : (inFlight ?? begin());
    });
    return next;
  }

  // The next boundary a poll is due at. Kept explicitly: timers may fire a millisecond early, and a
  // due time recomputed from "now" would then land on the same boundary twice (a poll, then a "miss").
  let due = 0;

  function schedule(): void {
    if (!running) return;
    const t = now();
    while (due <= t) due += deps.intervalMs;
    timer = setTimeout(() => {
      if (inFlight) stats.missed++;
      else void pollNow();
      due += deps.intervalMs;
      schedule();
    }, due - t);
  }

  return {
    id: deps.id,
    intervalMs: deps.intervalMs,
    start() {
      if (running) return;
      running = true;
      stopped = false;
      // Start-up polls (the layout reads, the first discovery) spread over at most 10 s in phase order,
      // so a bridge with 200 PDUs does not read and announce them all in one burst.
      const startDelay = ((deps.phaseMs ?? 0) / deps.intervalMs) * Math.min(deps.intervalMs, 10_000);
      if (startDelay < 1) void pollNow();
      else
        startTimer = setTimeout(() => {
          if (running && !inFlight) void pollNow();
        }, startDelay);
      // The first aligned poll comes at least half an interval after the start-up poll, so the two
      // never overlap (that would count as a missed cycle on a healthy PDU).
      const t = now();
      const phase = (deps.phaseMs ?? 0) % deps.intervalMs;
      due = t - ((t - phase) % deps.intervalMs) + deps.intervalMs;
      if (due - t < deps.intervalMs / 2) due += deps.intervalMs;
      schedule();
    },
    async stop() {
      running = false;
      stopped = true;
      if (timer) clearTimeout(timer);
      if (startTimer) clearTimeout(startTimer);
      // A poll in flight gets a short grace to finish and be delivered; a silent PDU with long
      // timeouts would otherwise hold SIGTERM for timeout × attempts × requests (minutes). Closing
      // the session makes net-snmp cancel its outstanding requests (Session.close → onClose →
      // cancelRequests), so the poll settles at once, as a failure; a last race makes sure of it.
      const pending = inFlight;
      if (pending && !(await settlesWithin(pending, STOP_GRACE_MS))) {
        deps.log.warn({ pdu: deps.id, graceMs: STOP_GRACE_MS }, 'stopping: abandoning the poll in flight');
        deps.reader.close();
        await settlesWithin(pending, STOP_GRACE_MS);
      }
      deps.reader.close();
    },
    pollNow,
    get inFlight() {
      return inFlight;
    },
    get online() {
      return online;
    },
    get stats() {
      return stats;
    },
    get last() {
      return last;
    },
  };
}
