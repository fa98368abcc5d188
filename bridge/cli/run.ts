import type { Command } from 'commander';
import {
  type Config,
  ConfigError,
  type ConfigOverrides,
  loadConfig,
  redactConfig,
  requirePdus,
} from '../../config/load.ts';
import { type Bridge, createBridge } from '../controller.ts';
import type { BackfillRun } from '../history/consumer.ts';
import { createLogger, type Logger } from '../log.ts';
import { startupMessage } from '../startup.ts';
import { tuneHeap } from './heap.ts';

/**
 * `raritan2mqtt run` (`npm start`): the bridge for the PDUs in the config file or the env overrides,
 * until SIGINT/SIGTERM, then a graceful stop (poll in flight recorded, `offline` published, DB closed).
 */

export function loadOrExit(opts: { file?: string; overrides?: ConfigOverrides }): Config {
  try {
    return loadConfig(opts);
  } catch (error) {
    if (error instanceof ConfigError) {
      // Every issue, one line each: a file with three typos is fixed in one go.
      process.stderr.write(`${error.lines().join('\n')}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/**
 * The end of a command that could not start: one line on stderr naming what to fix (the path, port or
 * key; bridge/startup.ts), no stack trace; exit 2 for a bad config, 1 for anything else. The stack is
 * logged only with R2M_LOG_LEVEL=debug, for a bug report.
 */
export function exitOnStartupError(error: unknown): never {
  const config = error instanceof ConfigError;
  process.stderr.write(`${config ? error.message : startupMessage(error)}\n`);
  if (/^(debug|trace)$/.test(process.env.R2M_LOG_LEVEL ?? '') && error instanceof Error) {
    process.stderr.write(`${error.stack}\n`);
  }
  process.exit(config ? 2 : 1);
}

/** Stops the bridge once on the first SIGINT/SIGTERM; a second signal exits at once. */
export function stopOnSignals(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    log.info({ signal }, 'stopping');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ error: String(error) }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

/**
 * Starts the bridge and stops it on SIGINT/SIGTERM; `after` runs once the bridge has stopped (the demo
 * stops its simulated agent there) and the line `stopped` is printed, so a user sees the stop completed.
 */
export async function startBridge(
  config: Config,
  log: Logger,
  opts: { after?: () => Promise<void>; stopped?: string; backfill?: BackfillRun } = {},
): Promise<Bridge> {
  for (const { key, reason } of config.warnings) log.warn(`config: ${key}: ${reason}`);
  log.debug({ config: redactConfig(config) }, 'configuration');
  if (!tuneHeap()) log.debug("V8's heap growing factor left as given on node's command line");
  const bridge = createBridge({ config, log, ...(opts.backfill ? { backfill: opts.backfill } : {}) });
  try {
    await bridge.start();
  } catch (error) {
    // Whatever started (the database, the broker) is closed again before the process says why.
    await bridge.stop().catch(() => undefined);
    throw error;
  }
  stopOnSignals(log, async () => {
    await bridge.stop();
    await opts.after?.();
    if (opts.stopped) process.stdout.write(`${opts.stopped}\n`);
  });
  return bridge;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('poll the PDUs of the config file (R2M_CONFIG) or the R2M_PDU_* environment')
    .option('-c, --config <file>', 'config file (default: $R2M_CONFIG)')
    .action(async (opts: { config?: string }) => {
      const config = loadOrExit({ file: opts.config });
      try {
        requirePdus(config);
      } catch (error) {
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(2);
      }
      const log = createLogger(config.log.level);
      await startBridge(config, log);
    });
}
