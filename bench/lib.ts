/** Shared pieces of the benchmarks: simulated PDUs in a child process, and small statistics. */
import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SimStats } from '../bridge/sim/agent.ts';
import type { SimAgentsMessage } from './sim-agents.ts';

const here = dirname(fileURLToPath(import.meta.url));

export interface SimAgentsProcess {
  readonly ports: number[];
  readonly pid: number;
  /** Requests each agent has answered so far (GET + GETNEXT + GETBULK + SET), and the child's CPU. */
  stats(): Promise<{ requests: number[]; stats: SimStats[]; cpuMs: number }>;
  stop(): Promise<void>;
}

/** Starts `count` simulated 36-outlet PX3s on free ports in a separate Node process. */
export async function forkSimAgents(
  count: number,
  opts: { maxMsgSize?: number } = {},
): Promise<SimAgentsProcess> {
  const args = ['--count', String(count)];
  if (opts.maxMsgSize) args.push('--max-msg-size', String(opts.maxMsgSize));
  const child: ChildProcess = fork(join(here, 'sim-agents.ts'), args, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ports = await new Promise<number[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('simulated agents did not start within 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error(`simulated agents exited with ${code}`)));
    child.on('message', (m: SimAgentsMessage) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve(m.ports);
      }
    });
  });
  child.removeAllListeners('exit');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    ports,
    pid: child.pid ?? 0,
    stats: () =>
      new Promise((resolve) => {
        const onMessage = (m: SimAgentsMessage) => {
          if (m.type !== 'stats') return;
          child.off('message', onMessage);
          resolve(m);
        };
        child.on('message', onMessage);
        child.send({ type: 'stats' });
      }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.send({ type: 'stop' });
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}

export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

export const median = (xs: readonly number[]): number => quantile(xs, 0.5);

export const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** "PASS"/"FAIL" for the verdict lines. */
export const pass = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');

export function row(k: string, v: string): void {
  console.log(`  ${k.padEnd(48)} ${v}`);
}
