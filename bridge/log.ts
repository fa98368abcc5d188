import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * One pino logger for the process. Secrets never reach it: configs are logged through
 * `redactConfig` (config/), and the paths below are censored as a second line of defence.
 */
export function createLogger(level = process.env.R2M_LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: [
        '*.community',
        '*.writeCommunity',
        '*.authKey',
        '*.privKey',
        '*.password',
        '*.*.community',
        '*.*.writeCommunity',
        '*.*.authKey',
        '*.*.privKey',
        '*.*.password',
      ],
      censor: '[redacted]',
    },
  });
}

/** A logger that drops everything, for tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
