/**
 * Start-up failures a user can act on. Each is one line naming what to fix (the path, the port, the
 * config key): the CLI prints it without a stack trace and exits 1 (a bad config exits 2, see
 * config/errors.ts). The rules for describing an OS error live here, once, for every listener and file.
 */

/** A start-up failure: `message` is the one line the user sees. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

const errnoOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;

const firstLine = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';

/** What an errno means for a file or directory, in words. */
export function describeFsError(error: unknown): string {
  switch (errnoOf(error)) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a directory';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOENT':
      return 'no such file or directory';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EEXIST':
      return 'a file of that name is in the way';
    default:
      return firstLine(error);
  }
}

export interface ListenTarget {
  /** Who listens, as the line starts: "HTTP server", "embedded MQTT broker". */
  service: string;
  host: string;
  port: number;
  /** The config keys (and variables) that choose them. */
  portKey: string;
  hostKey: string;
}

/** A listener that could not start, as one line naming the port or address and the key that sets it. */
export function listenError(error: unknown, t: ListenTarget): StartupError {
  const where = `${t.host}:${t.port}`;
  switch (errnoOf(error)) {
    case 'EADDRINUSE':
      return new StartupError(
        `${t.service}: port ${t.port} on ${t.host} is already in use (another raritan2mqtt or broker?): choose another with ${t.portKey}`,
      );
    case 'EACCES':
    case 'EPERM':
      return new StartupError(
        `${t.service}: no permission to listen on ${where} (ports below 1024 need privileges): choose another with ${t.portKey}`,
      );
    case 'EADDRNOTAVAIL':
      return new StartupError(
        `${t.service}: ${t.host} is not an address of this machine: check ${t.hostKey}`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(`${t.service}: cannot resolve ${t.host}: check ${t.hostKey}`);
    default:
      return new StartupError(`${t.service}: cannot listen on ${where}: ${firstLine(error)}`);
  }
}

/** The one line for any error that stopped the start (a StartupError's own, or the error's first line). */
export function startupMessage(error: unknown): string {
  if (error instanceof StartupError) return error.message;
  return `start-up failed: ${firstLine(error)}`;
}
