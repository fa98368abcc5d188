import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { freeUdpPort } from './ports.ts';

const run = promisify(execFile);

export interface Snmpsim {
  port: number;
  /** snmpsim answers to the walk's file name (without .snmprec) as community. */
  community: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Debian's snmpsimd serving real walks. The data folder is a temp copy, readable
 * and writable by `nobody`, so the repo never holds the walks and snmpsim's index cache has a home.
 */
export async function startSnmpsim(walks: string[], opts: { maxVarbinds?: number } = {}): Promise<Snmpsim> {
  const dataDir = mkdtempSync(join(tmpdir(), 'r2m-snmpsim-'));
  const cacheDir = join(dataDir, '.cache');
  for (const walk of walks) copyFileSync(walk, join(dataDir, basename(walk)));
  chmodSync(dataDir, 0o777);
  const port = await freeUdpPort();
  const args = [
    `--data-dir=${dataDir}`,
    `--cache-dir=${cacheDir}`,
    `--agent-udpv4-endpoint=127.0.0.1:${port}`,
    '--process-user=nobody',
    '--process-group=nogroup',
    '--logging-method=null',
  ];
  if (opts.maxVarbinds) args.push(`--max-varbinds=${opts.maxVarbinds}`);
  const child: ChildProcess = spawn('snmpsimd', args, { stdio: 'ignore' });
  const community = basename(walks[0]!).replace(/\.snmprec$/, '');
  await waitForAgent(port, community, child);
  return {
    port,
    community,
    dataDir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitForAgent(port: number, community: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`snmpsimd exited with ${child.exitCode}`);
    try {
      await run('snmpget', [
        '-v2c',
        '-c',
        community,
        '-t',
        '0.5',
        '-r',
        '0',
        `127.0.0.1:${port}`,
        '1.3.6.1.2.1.1.1.0',
      ]);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  child.kill('SIGKILL');
  throw new Error('snmpsimd did not answer within 30 s');
}
