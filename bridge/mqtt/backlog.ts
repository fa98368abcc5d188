/**
 * Holds the outbox back while the connection to the broker has more than `limitBytes` waiting to be
 * written, and lets it catch up once that has drained: then only what changed meanwhile is sent, each
 * topic's latest value once, which is all a retained topic needs.
 *
 * Why: with the embedded broker both ends share one event loop. While 200 PDUs start up (every layout
 * read and discovery config at once, the loop busy for a minute), the broker read slower than the bridge
 * published; ~37,000 publishes piled up in one socket write, ~85 MB of native copies of their payloads
 * held for ~35 s: the daemon's peak RSS (heap snapshot at the peak, docs/architecture.md, "Memory").
 */

/** Bytes waiting on the socket above which the outbox waits: a PDU's discovery (~150 kB) several times. */
export const BACKLOG_LIMIT_BYTES = 1024 * 1024;
/** How often a held outbox looks whether the socket drained, ms. */
export const BACKLOG_RETRY_MS = 50;

export interface Backlog {
  /** Whether the outbox may send now; when not, `resume` is called once the backlog has drained. */
  open(): boolean;
  stop(): void;
}

export function createBacklog(deps: {
  /** Bytes waiting to be written (the socket's writableLength). */
  waiting: () => number;
  resume: () => void;
  limitBytes?: number;
  retryMs?: number;
}): Backlog {
  const limit = deps.limitBytes ?? BACKLOG_LIMIT_BYTES;
  let timer: NodeJS.Timeout | undefined;

  function wait(): void {
    timer = setTimeout(() => {
      if (deps.waiting() > limit) return wait();
      timer = undefined;
      deps.resume();
    }, deps.retryMs ?? BACKLOG_RETRY_MS);
    timer.unref();
  }

  return {
    open() {
      if (timer) return false;
      if (deps.waiting() <= limit) return true;
      wait();
      return false;
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
