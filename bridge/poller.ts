import type { Logger } from './log.ts';
import type { PduReading, PollResult } from './readings.ts';
import { createEnergyTracker } from './snmp/energy.ts';
import { describeReadError, type PduReader } from './snmp/reader.ts';

/**
 * One poller per configured PDU, each with its own timer and SNMP session, so an unreachable PDU only
 * ever delays itself. Polls are aligned to the interval; a poll still running when the next is due makes
 * that cycle "missed" instead of queueing up. Availability: online after a good poll, offline after
 * `offlineAfter` failed ones in a row (one lost UDP packet is not an outage).
 */

export interface PollerStats {
  polls: number;
  failures: number;
  missed: number;
  lastDurationMs: number;
  lastRequests: number;
  lastError: string | undefined;
}

export interface Poller {
  readonly id: string;
  start(): void;
  /** Stops the timer and waits for a poll in flight, so its result is delivered. */
  stop(): Promise<void>;
  /** Polls now (after a command, say); joins a poll already in flight. */
  pollNow(): Promise<PollResult>;
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
  target: { host: string; port: number; version: '1' | '2c' | '3' };
  log: Logger;
  onResult: (result: PollResult) => void;
  onAvailability: (online: boolean, unitIds: readonly string[]) => void;
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
  const energy = createEnergyTracker();
  const stats: PollerStats = {
    polls: 0,
    failures: 0,
    missed: 0,
    lastDurationMs: 0,
    lastRequests: 0,
    lastError: undefined,
  };
  let online: boolean | undefined;
  let failuresInRow = 0;
  let last: PduReading[] = [];
  let inFlight: Promise<PollResult> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let startTimer: NodeJS.Timeout | undefined;
  let running = false;

  function trackEnergy(units: PduReading[]): PduReading[] {
    return units.map((u) => ({
      ...u,
      inlet: { ...u.inlet, energy: scaledTrack(`${u.id}/inlet`, u.inlet.energy, u.time) },
      outlets: u.outlets.map((o) => ({
        ...o,
        energy: energy.track(`${u.id}/${o.outlet}`, o.energy_counter, u.time),
      })),
    }));
  }

  function scaledTrack(key: string, kwh: number | null, time: number): number | null {
    return energy.track(key, kwh === null ? null : Math.round(kwh * 1000), time);
  }

  async function poll(): Promise<PollResult> {
    const time = now();
    const started = performance.now();
    let result: PollResult;
    try {
      const read = await deps.reader.read(time);
      if (read.problems.length > 0)
        deps.log.warn({ pdu: deps.id, problems: read.problems.slice(0, 5) }, 'incomplete reading');
      last = trackEnergy(read.units);
      result = {
        ok: true,
        source: deps.id,
        time,
        units: last,
        durationMs: performance.now() - started,
        requests: read.requests,
      };
      failuresInRow = 0;
      if (online !== true) {
        online = true;
        deps.log.info({ pdu: deps.id, units: last.length }, 'PDU online');
        deps.onAvailability(
          true,
          last.map((u) => u.id),
        );
      }
    } catch (error) {
      const message = describeReadError(error, deps.target);
      result = {
        ok: false,
        source: deps.id,
        time,
        error: message,
        durationMs: performance.now() - started,
        requests: 0,
      };
      stats.failures++;
      failuresInRow++;
      deps.log.warn({ pdu: deps.id, error: message }, 'poll failed');
      if (online !== false && failuresInRow >= deps.offlineAfter) {
        online = false;
        deps.onAvailability(false, last.length ? last.map((u) => u.id) : [deps.id]);
      }
    }
    stats.polls++;
    stats.lastDurationMs = result.durationMs;
    stats.lastRequests = result.requests;
    stats.lastError = result.ok ? undefined : result.error;
    deps.onResult(result);
    return result;
  }

  function pollNow(): Promise<PollResult> {
    inFlight ??= poll().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
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
    start() {
      if (running) return;
      running = true;
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
