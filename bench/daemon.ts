/**
 * The real daemon as a user runs it (`node <nodeFlags> bin/raritan2mqtt.js run -c <file>` (bin/code.js)), measured from outside:
 * CPU and memory from /proc/<pid>, poll counters from its /metrics. Nothing of the benchmark's own
 * process (tsx, test helpers, the harness) is counted against the bridge.
 */

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeFlags, whichCode } from '../bin/code.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, normally 100). */
export function clockTicks(): number {
  try {
    const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(hz) && hz > 0 ? hz : 100;
  } catch {
    return 100;
  }
}

/** utime + stime of every thread of the process, in clock ticks (proc(5): fields 14 and 15). */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * VmRSS (now), VmHWM (peak RSS over the process's life) and VmRSS's parts (RssAnon: heap and buffers;
 * RssFile: mapped files, mostly the node binary's pages) in bytes, from /proc/<pid>/status.
 */
export function memory(pid: number): { rss: number; hwm: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return {
    rss: kb('VmRSS') * 1024,
    hwm: kb('VmHWM') * 1024,
    anon: kb('RssAnon') * 1024,
    file: kb('RssFile') * 1024,
  };
}

/**
 * What bin/raritan2mqtt.js will run, by its own rule (bin/code.js): the two differ by ~30 MB of RSS,
 * so the report says which one it measured.
 */
export function daemonCode(): 'bundle' | 'sources (tsx)' {
  return whichCode() === 'bundle' ? 'bundle' : 'sources (tsx)';
}

export interface Daemon {
  readonly pid: number;
  /** Lines the daemon wrote (stdout + stderr; at log level warn, only warnings and errors). */
  readonly logLines: () => string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then the exit status and how long the graceful stop took (SIGKILL after `graceMs`). */
  stop(
    graceMs?: number,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; killed: boolean }>;
}

export function spawnDaemon(configFile: string): Daemon {
  // The user's R2M_* variables would override the file: the bench runs with its file alone (but
  // R2M_BUNDLE, the bin's switch to the prebuilt bundle, is passed on).
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('R2M_') || k === 'R2M_BUNDLE'),
  );
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeFlags, 'bin/raritan2mqtt.js', 'run', '-c', configFile],
    {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  if (child.pid === undefined) throw new Error('could not spawn bin/raritan2mqtt.js');
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream?.on('data', (d: Buffer) => {
      const parts = (rest + d.toString()).split('\n');
      rest = parts.pop() ?? '';
      for (const l of parts) if (l.trim() !== '') lines.push(l);
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    pid: child.pid,
    logLines: () => lines,
    exited,
    async stop(graceMs = 30_000) {
      const t0 = performance.now();
      let killed = false;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, graceMs);
      const status = await exited;
      clearTimeout(killer);
      return { ...status, ms: performance.now() - t0, killed };
    },
  };
}

/** Per-PDU values of the families the bench reads (samples labelled with `pdu` alone). */
export type PduMetrics = Map<string, Map<string, number>>;

const WANTED = new Set([
  'raritan_pdu_polls_total',
  'raritan_pdu_polls_missed_total',
  'raritan_pdu_poll_failures_total',
  'raritan_pdu_poll_duration_seconds',
  'raritan_pdu_last_poll_timestamp_seconds',
  'raritan_pdu_poll_requests',
  'raritan2mqtt_resident_memory_bytes',
  'raritan2mqtt_heap_used_bytes',
  'raritan2mqtt_heap_total_bytes',
  'raritan2mqtt_external_memory_bytes',
]);

/** Prometheus text → family → pdu (or '' when unlabelled) → value, for the WANTED families. */
export function parseMetrics(text: string): PduMetrics {
  const out: PduMetrics = new Map();
  for (const m of text.matchAll(/^([a-z0-9_]+)(?:\{pdu="([^"]*)"\})? (\S+)$/gm)) {
    const [, name, pdu, value] = m;
    if (!name || !WANTED.has(name)) continue;
    let family = out.get(name);
    if (!family) {
      family = new Map();
      out.set(name, family);
    }
    family.set(pdu ?? '', Number(value));
  }
  return out;
}

/** One scrape of /metrics, uncompressed (a Prometheus would ask for gzip: that costs the daemon more). */
export async function scrape(base: string): Promise<{ metrics: PduMetrics; bytes: number }> {
  const res = await fetch(`${base}/metrics`, { headers: { 'accept-encoding': 'identity' } });
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  const text = await res.text();
  return { metrics: parseMetrics(text), bytes: Buffer.byteLength(text) };
}

/** Sum over PDUs of one family (a counter's total). */
export const total = (m: PduMetrics, family: string): number =>
  [...(m.get(family)?.values() ?? [])].reduce((a, b) => a + b, 0);
