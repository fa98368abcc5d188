import { type Config, redactConfig } from '../config/load.ts';
import type { CommandResult } from './commands.ts';
import type { StatusSource } from './http/deps.ts';
import type { Logger } from './log.ts';
import { VERSION } from './version.ts';

/**
 * What the bridge says about itself (docs/mqtt.md, "The bridge's own topics"): `bridge/info` (what it
 * is: version, its PDUs, its config without secrets, the log level), `bridge/health` (how it is:
 * uptime, memory, every PDU's last poll and failures) and the runtime options
 * (`bridge/request/options`). One owner: MQTT publishes these, health_check answers with them.
 */

export interface PduInfo {
  /** Unit id (`pdu1`, `pdu1-2`). */
  id: string;
  /** The configured PDU it is read through. */
  source: string;
  name: string;
  model: string;
  serial: string;
  firmware: string;
  /** pxMACAddress, where the PDU serves it. */
  mac: string | null;
  /** `host:port` as configured. */
  address: string | null;
  outlets: number;
  breakers: number;
  sensors: number;
}

export interface BridgeInfo {
  version: string;
  bridge_id: string;
  log_level: string;
  pdus: PduInfo[];
  /** The configuration in force, every secret replaced by '[redacted]' (config/redact.ts). */
  config: Config;
}

export interface PduHealth {
  online: boolean | null;
  units: string[];
  /** End of the last poll, ISO 8601; null before one. */
  last_poll: string | null;
  last_poll_ok: boolean | null;
  last_error: string | null;
  polls: number;
  failures: number;
  missed: number;
  /** Polls asked for by traps or "poll now". */
  requested_polls: number;
}

export interface BridgeHealth {
  time: string;
  /** Every configured PDU is online. */
  healthy: boolean;
  uptime_s: number;
  memory: { rss_mb: number; heap_used_mb: number };
  mqtt: { connected: boolean };
  /** The trap receiver's port and counters (bridge/traps/receiver.ts); null when it does not listen. */
  traps: ({ port: number } & Readonly<Record<string, number>>) | null;
  pdus: Record<string, PduHealth>;
}

export interface BridgeSelf {
  info(): BridgeInfo;
  health(): BridgeHealth;
  /** `bridge/request/options`: `{ log_level }` changes the log level at once. */
  setOptions(body: Record<string, unknown>): CommandResult<{ log_level: string }>;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

export function createBridgeSelf(deps: {
  config: Config;
  log: Logger;
  status: StatusSource;
  mqttConnected: () => boolean;
  traps: () => { stats: Readonly<Record<string, number>>; port: number | undefined } | undefined;
  requestedPolls: (source: string) => number;
  startedAt?: number;
  now?: () => number;
}): BridgeSelf {
  const now = deps.now ?? Date.now;
  const startedAt = deps.startedAt ?? now();
  const redacted = redactConfig(deps.config);
  const { log } = deps;

  return {
    info() {
      const pdus: PduInfo[] = [];
      for (const s of deps.status.pdus()) {
        const r = s.reading;
        pdus.push({
          id: s.id,
          source: s.source,
          name: r?.identity.name ?? s.name ?? '',
          model: r?.identity.model ?? '',
          serial: r?.identity.serial ?? '',
          firmware: r?.identity.firmware ?? '',
          mac: r?.identity.mac ?? null,
          address: s.address ?? null,
          outlets: r?.outlets.length ?? 0,
          breakers: r?.breakers.length ?? 0,
          sensors: r?.sensors.length ?? 0,
        });
      }
      return {
        version: VERSION,
        bridge_id: deps.config.mqtt.bridgeId,
        log_level: log.level,
        pdus,
        config: redacted,
      };
    },

    health() {
      const pdus: Record<string, PduHealth> = {};
      for (const s of deps.status.pdus()) {
        const entry = pdus[s.source];
        if (entry) {
          entry.units.push(s.id);
          continue;
        }
        const last = s.lastPoll;
        pdus[s.source] = {
          online: s.online ?? null,
          units: [s.id],
          last_poll: last ? new Date(last.time + last.durationMs).toISOString() : null,
          last_poll_ok: last?.ok ?? null,
          last_error: last?.error ?? null,
          polls: s.polls,
          failures: s.failures,
          missed: s.missed,
          requested_polls: deps.requestedPolls(s.source),
        };
      }
      const memory = process.memoryUsage();
      const traps = deps.traps();
      return {
        time: new Date(now()).toISOString(),
        healthy: Object.values(pdus).every((p) => p.online === true),
        uptime_s: Math.round((now() - startedAt) / 1000),
        memory: { rss_mb: mb(memory.rss), heap_used_mb: mb(memory.heapUsed) },
        mqtt: { connected: deps.mqttConnected() },
        traps: traps?.port === undefined ? null : { port: traps.port, ...traps.stats },
        pdus,
      };
    },

    setOptions(body) {
      const unknown = Object.keys(body).filter((k) => k !== 'log_level' && k !== 'transaction');
      if (unknown.length > 0)
        return { status: 'error', error: `unknown option ${JSON.stringify(unknown[0]?.slice(0, 64))}` };
      const level = body.log_level;
      if (level === undefined)
        return { status: 'error', error: 'nothing to change: options are { "log_level" }' };
      if (typeof level !== 'string' || !(LOG_LEVELS as readonly string[]).includes(level))
        return { status: 'error', error: `log_level must be one of ${LOG_LEVELS.join(', ')}` };
      const previous = log.level;
      log.level = level;
      if (previous !== level)
        log.warn({ log_level: level, previous }, 'log level changed (bridge/request/options)');
      return { status: 'ok', data: { log_level: level } };
    },
  };
}
