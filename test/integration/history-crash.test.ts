import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { rollupRows } from '../helpers/rollups.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(join(tmpdir(), 'r2m-history-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The writer: records 36-outlet polls as fast as it can and prints each poll's time once committed.
const writer = `
import { createHistory } from ${JSON.stringify(join(repo, 'bridge/history/history.ts'))};
import { syntheticPdu } from ${JSON.stringify(join(repo, 'bridge/sim/synthetic.ts'))};
import { silentLogger } from ${JSON.stringify(join(repo, 'bridge/log.ts'))};
const model = syntheticPdu();
const start = Date.UTC(2025, 0, 1);
const h = createHistory({ path: process.argv[2], log: silentLogger, now: () => start + 2 * 86_400_000 });
h.start();
let t = start;
const loop = () => {
  for (let k = 0; k < 20; k++) {
    t += 60_000;
    const r = h.record(model(t));
    if (!r.ok) { console.error(r.error); process.exit(1); }
    process.stdout.write(t + '\\n');
  }
  setImmediate(loop);
};
loop();
`;

describe('a writer killed with SIGKILL mid-write', () => {
  it('leaves a database that passes integrity_check and holds every committed poll', async () => {
    const script = join(dir, 'writer.mts');
    writeFileSync(script, writer);
    const path = join(dir, 'crash.db');
    const child = spawn(process.execPath, ['--import', 'tsx', script, path], { cwd: repo, stdio: 'pipe' });
    const printed: number[] = [];
    let buf = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<NodeJS.Signals | null>((res) =>
      child.on('exit', (_code, signal) => res(signal)),
    );
    await new Promise<void>((res, rej) => {
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop() ?? '';
        for (const l of lines) printed.push(Number(l));
        // Enough polls that the WAL has checkpointed at least once, then kill it between two writes.
        if (printed.length >= 1500 && !child.killed) {
          child.kill('SIGKILL');
          res();
        }
      });
      child.on('exit', () =>
        printed.length < 1500 ? rej(new Error(`writer exited early: ${stderr}`)) : res(),
      );
    });
    expect(await exited).toBe('SIGKILL');

    const db = new Database(path);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const have = new Set(
      db
        .prepare('SELECT ts FROM sample WHERE pdu = 1 AND outlet = 0')
        .pluck()
        .all()
        .map((v) => Number(v) * 1000),
    );
    const missing = printed.filter((t) => !have.has(t));
    expect(missing).toEqual([]);
    // Every poll that made it to disk is whole (inlet + 36 outlets), and the rollups agree with it.
    expect(db.prepare('SELECT count(*) FROM sample').pluck().get()).toBe(have.size * 37);
    expect(db.prepare('SELECT sum(n) FROM rollup_15m').pluck().get()).toBe(have.size);
    expect(rollupRows(db, '1h').reduce((s, r) => s + r.e, 0)).toBe(
      db.prepare('SELECT sum(de) FROM sample').pluck().get(),
    );
    db.close();
  });
});
