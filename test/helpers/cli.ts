import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const bin = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'bin/raritan2mqtt.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Tests that need file permissions to hold (a read-only database, a directory the bridge may not
 * write) run the CLI as an unprivileged user: root ignores permissions. As root that is `nobody`;
 * otherwise the tests' own user already is one.
 */
export const runningAsRoot = process.getuid?.() === 0;
export const NOBODY = { uid: 65534, gid: 65534 };

/** Runs the real `raritan2mqtt` bin as a user would, and collects its output. */
export function runCli(
  args: string[],
  opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; unprivileged?: boolean } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        timeout: opts.timeoutMs ?? 30_000,
        env: { ...process.env, ...opts.env },
        ...(opts.unprivileged && runningAsRoot ? NOBODY : {}),
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolvePromise({ code, stdout, stderr });
      },
    );
  });
}
