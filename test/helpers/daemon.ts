import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bin } from './cli.ts';

/**
 * The real daemon as a user runs it (`raritan2mqtt run -c <file>`) in its own process, for fault tests
 * that kill it, fill its disk or take its broker away. Its log is JSON lines (stdout is not a TTY).
 */
export interface Daemon {
  readonly child: ChildProcess;
  /** Every log line so far, parsed (lines that are not JSON are kept as `{ msg: line }`). */
  readonly log: Record<string, unknown>[];
  readonly stderr: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Resolves once a log line matches. */
  waitForLog(pred: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export function writeConfig(dir: string, config: object): string {
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

export function startDaemon(configFile: string): Daemon {
  const child = spawn(process.execPath, [bin, 'run', '-c', configFile], {
    env: { ...process.env, R2M_CONFIG: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: Record<string, unknown>[] = [];
  let pending = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    pending += d.toString();
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      try {
        log.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        log.push({ msg: line });
      }
      nl = pending.indexOf('\n');
    }
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    log,
    stderr: () => stderr,
    exited,
    async waitForLog(pred, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!log.some(pred)) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`no matching log line (exit ${child.exitCode}); stderr: ${stderr.slice(-500)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
