/**
 * Demo start benchmark: `npm run demo` in a fresh clone of this repository, timed from the command to
 * the first /api/ports with all 36 outlets (the panel with live data), and on to the end of the year's
 * backfill behind it.
 *   npx tsx bench/demo.ts [--json]
 * The clone is fresh (no built panel, no bundle, no database: the demo builds the panel first, as a new
 * user's first run does); its dependencies are this checkout's node_modules, linked: `npm ci` itself is
 * not timed (it compiles better-sqlite3 and depends on the network).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pass, row } from './lib.ts';
import { TARGETS } from './targets.ts';

const TARGET_DEMO_S = TARGETS.demoS;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What `--json` prints (scripts/readme-bench.ts renders the README's table from it). */
export interface DemoBench {
  machine: { cores: number; load: [number, number] };
  /** Seconds from `npm run demo`: HTTP answers, 36 live outlets served, the backfill has ended. */
  httpS: number | null;
  portsS: number | null;
  backfillS: number | null;
  /** The backfill's progress in the answer that first had 36 outlets (null: it had ended already). */
  backfillAtPorts: { done: number; total: number } | null;
  verdict: { demo: boolean; order: boolean };
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });

interface Status {
  backfill: { done: number; total: number } | null;
  pdus: { outlets?: unknown[] }[];
}

async function status(port: number): Promise<Status | null> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/api/current-status`, {
      signal: AbortSignal.timeout(2000),
    });
    return r.ok ? ((await r.json()) as Status) : null;
  } catch {
    return null;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(-child.pid, 'SIGINT');
  const killer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 20_000);
  await exited;
  clearTimeout(killer);
}

async function main() {
  const json = process.argv.includes('--json');
  const loadStart = loadavg()[0] ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'r2m-bench-demo-'));
  const clone = join(dir, 'raritan2mqtt');
  execFileSync('git', ['clone', '-q', root, clone]);
  symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'));
  const [http, mqtt] = [await freePort(), await freePort()];
  const started = performance.now();
  const child = spawn('npm', ['run', 'demo'], {
    cwd: clone,
    env: { ...process.env, R2M_HTTP_PORT: String(http), R2M_MQTT_PORT: String(mqtt), R2M_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
    detached: true,
  });
  const since = () => (performance.now() - started) / 1000;
  const r: Omit<DemoBench, 'machine' | 'verdict'> = {
    httpS: null,
    portsS: null,
    backfillS: null,
    backfillAtPorts: null,
  };
  try {
    const deadline = Date.now() + 600_000;
    while (Date.now() < deadline && child.exitCode === null) {
      const s = await status(http);
      if (s) {
        r.httpS ??= since();
        if (r.portsS === null && s.pdus[0]?.outlets?.length === 36) {
          r.portsS = since();
          r.backfillAtPorts = s.backfill;
        }
        if (r.portsS !== null && s.backfill === null) {
          r.backfillS = since();
          break;
        }
      }
      await new Promise((res) => setTimeout(res, 100));
    }
  } finally {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
  const result: DemoBench = {
    machine: { cores: availableParallelism(), load: [loadStart, loadavg()[0] ?? 0] },
    ...r,
    verdict: {
      demo: r.portsS !== null && r.portsS < TARGET_DEMO_S,
      order: r.portsS !== null && r.backfillAtPorts !== null && r.backfillS !== null,
    },
  };
  if (json) console.log(JSON.stringify(result, null, 2));
  else {
    const s = (x: number | null) => (x === null ? 'never' : `${x.toFixed(1)} s`);
    const [l0, l1] = result.machine.load;
    console.log(
      `demo benchmark: npm run demo in a fresh clone (load ${l0.toFixed(2)} → ${l1.toFixed(2)} on ${result.machine.cores} cores)`,
    );
    row('HTTP answers', s(r.httpS));
    row('/api/ports with 36 live outlets', s(r.portsS));
    const b = r.backfillAtPorts;
    row('  the backfill then', b ? `running, ${b.done} of ${b.total} polls` : 'not running');
    row('the year of history filled in', s(r.backfillS));
    console.log(
      `verdict: demo ${pass(result.verdict.demo)} (36 outlets after ${s(r.portsS)} < ${TARGET_DEMO_S} s), ` +
        `order ${pass(result.verdict.order)} (live outlets served while the history filled in)`,
    );
  }
  if (!result.verdict.demo || !result.verdict.order) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
