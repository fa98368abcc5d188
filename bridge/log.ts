import { createRequire } from 'node:module';
import { type DestinationStream, type Logger, pino } from 'pino';
import type { PrettyOptions } from 'pino-pretty';
import { REDACTED, secretKeyNames } from '../config/redact.ts';

const SECRET_KEYS = secretKeyNames();

export type { Logger };

/**
 * One pino logger for the process. Secrets never reach it: configs are logged through
 * `redactConfig` (config/), and the paths below are censored as a second line of defence.
 * On a terminal the lines are human-readable (pino-pretty, in-process); under a service manager or in
 * a container they stay JSON, one object per line, for journald, Docker and log shippers, and
 * pino-pretty is never loaded.
 */
export function createLogger(
  level = process.env.R2M_LOG_LEVEL ?? 'info',
  opts: {
    pretty?: boolean /** Where the JSON lines go (tests); default stdout. */;
    destination?: DestinationStream;
  } = {},
): Logger {
  const usePretty = opts.pretty ?? Boolean(process.stdout.isTTY);
  const destination: DestinationStream | undefined = usePretty
    ? loadPretty()({ sync: true, singleLine: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' })
    : undefined;
  const options = {
    level,
    base: undefined,
    redact: {
      // Every key the configuration schema marks sensitive, one and two levels down (a logged object,
      // or a section of it): a new secret in the schema is censored here without a second list.
      paths: SECRET_KEYS.flatMap((k) => [`*.${k}`, `*.*.${k}`]),
      censor: REDACTED,
    },
  };
  const out = opts.destination ?? destination;
  return out ? pino(options, out) : pino(options);
}

/** pino-pretty (CommonJS), loaded synchronously and only for a terminal. */
function loadPretty(): (options: PrettyOptions) => DestinationStream {
  return createRequire(import.meta.url)('pino-pretty') as (options: PrettyOptions) => DestinationStream;
}

/** A logger that drops everything, for tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
