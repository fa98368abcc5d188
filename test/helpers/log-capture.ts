import { type Logger, pino } from 'pino';

/**
 * A pino logger whose lines land in memory, so a test can assert what the bridge told its user and
 * that no secret ever reached a line. No redaction here on purpose: `bridge/log.ts` censors known
 * paths as a second line of defence, and a test should catch a leak the first line let through.
 */

export interface LogEntry {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

export interface CapturedLog {
  readonly log: Logger;
  /** Every line as written (raw JSON text, for secret scans). */
  readonly lines: string[];
  entries(): LogEntry[];
  /** Resolves once `count` entries match `pred` (already logged or to come). */
  waitFor(pred: (e: LogEntry) => boolean, count?: number, timeoutMs?: number): Promise<LogEntry[]>;
}

export const WARN = 40;

export function captureLog(level = 'debug'): CapturedLog {
  const lines: string[] = [];
  const log = pino({ level, base: undefined }, { write: (s: string) => void lines.push(s) });
  const entries = () => lines.map((l) => JSON.parse(l) as LogEntry);
  return {
    log,
    lines,
    entries,
    async waitFor(pred, count = 1, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = entries().filter(pred);
        if (found.length >= count) return found;
        if (Date.now() > deadline)
          throw new Error(
            `fewer than ${count} matching log lines within ${timeoutMs} ms:\n${lines.join('')}`,
          );
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
