import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpPort } from './ports.ts';

/**
 * A real Mosquitto 2 (Debian's) for integration tests: its own config in a temp dir, one loopback
 * listener on a free port, anonymous access, no persistence (every start is a fresh broker).
 * Options add lines to that listener (TLS files, `protocol websockets`), more loopback listeners,
 * global lines (`password_file`), or turn anonymous access off.
 */

export const MOSQUITTO = '/usr/sbin/mosquitto';
export const hasMosquitto = existsSync(MOSQUITTO);
export const mosquittoSkipMessage = `${MOSQUITTO} not found: apt-get install -y --no-install-recommends mosquitto`;

export interface Mosquitto {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface MosquittoOptions {
  port?: number;
  /** Lines that configure the main listener (Mosquitto applies them to the `listener` above them). */
  listenerLines?: string[];
  /** More loopback listeners, each with its own lines; every one must accept before start resolves. */
  extraListeners?: Array<{ port: number; lines: string[] }>;
  /** Global lines, e.g. `password_file /path`. */
  globalLines?: string[];
  /** Default true. */
  allowAnonymous?: boolean;
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'r2m-mosquitto-'));
  const port = options.port ?? (await freeTcpPort());
  const extra = options.extraListeners ?? [];
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `allow_anonymous ${options.allowAnonymous ?? true}`,
      'persistence false',
      'log_dest stderr',
      'log_type error',
      ...(options.globalLines ?? []),
      `listener ${port} 127.0.0.1`,
      ...(options.listenerLines ?? []),
      ...extra.flatMap((l) => [`listener ${l.port} 127.0.0.1`, ...l.lines]),
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + 10_000;
  for (const p of [port, ...extra.map((l) => l.port)]) {
    while (!(await accepts(p))) {
      if (exited || Date.now() > deadline) {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`mosquitto did not start on port ${p}: ${stderr.trim()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    async stop() {
      if (!exited) {
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
