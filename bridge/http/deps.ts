import type { HttpConfig } from '../../config/types.ts';
import type { Bus } from '../bus.ts';
import type { Commands } from '../commands.ts';
import type { History } from '../history/history.ts';
import type { Logger } from '../log.ts';
import type { LastPoll } from '../poller.ts';
import type { PduReading } from '../readings.ts';

/**
 * What the HTTP server needs from the rest of the bridge, kept to small interfaces so the server can
 * be started in tests from real parts without the whole controller (controller.ts implements them).
 */

/** The state of one PDU unit as the pollers know it now (not from the history). */
export interface PduStatus {
  /** Unit id (PduReading.id). */
  id: string;
  /** Configured PDU id it is read through. */
  source: string;
  /** undefined before the first poll ends. */
  online: boolean | undefined;
  /** The last good reading, or undefined before one. */
  reading: PduReading | undefined;
  /** The last poll of its source, good or failed. */
  lastPoll?: LastPoll | undefined;
  /** Its source's poll interval, ms (staleness is judged against it). */
  intervalMs: number;
  /** The display name while there is no reading (then the reading's identity has it). */
  name?: string | undefined;
  /** `host:port` of its source, as configured. */
  address?: string | undefined;
  polls: number;
  failures: number;
  missed: number;
}

export interface StatusSource {
  /** Every configured unit, in configuration order. */
  pdus(): readonly PduStatus[];
}

/** A Prometheus metric family contributed by another module (MQTT, history…). */
export interface MetricFamily {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  /**
   * `labelText` is the rendered `{k="v",…}` when the caller already has it: 7,200 outlets × 7 metrics
   * share one per outlet instead of building 50,000 label objects per scrape.
   */
  samples: { labels?: Record<string, string>; labelText?: string; value: number }[];
}

/** The history queries the API serves (bridge/history). */
export type HistoryQueries = Pick<
  History,
  | 'cards'
  | 'powerSeries'
  | 'energySeries'
  | 'exportCsv'
  | 'hardwareSeries'
  | 'exportHardwareCsv'
  | 'pdus'
  | 'events'
>;

export interface HttpDeps {
  log: Logger;
  /** The Config's http section as it is (unset credentials are null). */
  config: HttpConfig;
  /**
   * The history database (db.path): a token the bridge generates when no credentials are configured
   * and `config.host` is beyond loopback lives beside it, in http-token (token.ts, tokenFileFor).
   * ':memory:' or undefined: no place for one; then only this machine may write.
   */
  dbPath?: string | undefined;
  history: HistoryQueries;
  commands: Pick<Commands, 'rename'>;
  /** Polls, availability changes and history commits, for the live stream. */
  bus: Pick<Bus, 'on'>;
  status: StatusSource;
  /** Extra metric families (bridge health from MQTT, history…), appended to /metrics. */
  metrics?: () => MetricFamily[];
  /** The built panel (ui/dist); a placeholder page is served when it is missing. */
  uiDir: string;
  /** The demo: the panel shows a "simulated" badge. */
  demo: boolean;
  /** While the history's past is being filled in: polls done and to do (current-status). */
  backfill?: () => { done: number; total: number } | null;
  /** SSE heartbeat, ms (default 15 s). */
  heartbeatMs?: number;
  /** Clock (tests). */
  now?: () => number;
}

export interface HttpServer {
  /** Listens; resolves the bound port (config.port 0 picks a free one). */
  start(): Promise<{ port: number; host: string }>;
  stop(): Promise<void>;
}
