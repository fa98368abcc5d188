import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeUdpPort } from '../../support/ports.ts';
import { bin, runCli } from '../helpers/cli.ts';

/** The configuration as a user meets it through the real `raritan2mqtt run`. */

let dir: string;
let child: ChildProcess | undefined;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'r2m-config-cli-'));
});
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, config: object): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

describe('raritan2mqtt run and its configuration', () => {
  it('names every problem of the file, one line each, exit 2, no secret echoed', async () => {
    const file = write('bad.json', {
      mqtt: { prot: 1884, pasword: 'Sekr3t-one' },
      pdus: [{ id: 'a', host: '127.0.0.1', port: 'abc', comunity: 'Sekr3t-two' }],
    });
    const r = await runCli(['run', '-c', file], { env: { R2M_CONFIG: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'config: mqtt.prot: unknown key (did you mean mqtt.port?)',
      'config: mqtt.pasword: unknown key (did you mean mqtt.password?)',
      'config: pdus[0].comunity: unknown key (did you mean pdus[0].community?)',
      'config: pdus[0].port: must be an integer 1..65535, got "abc"',
    ]);
    expect(r.stderr + r.stdout).not.toContain('Sekr3t');
  });

  it('starts despite a mistyped R2M_* variable, with a warning naming it and the real one', async () => {
    const file = write('ok.json', {
      pdus: [{ id: 'a', host: '127.0.0.1', port: await freeUdpPort() }],
      db: { path: join(dir, 'r2m.db') },
      http: { host: '127.0.0.1', port: 0 },
      mqtt: { port: 0 },
      log: { level: 'info' },
    });
    const proc = spawn(process.execPath, [bin, 'run', '-c', file], {
      env: { ...process.env, R2M_CONFIG: '', R2M_MQTT_PROT: '1884' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    const lines: Record<string, unknown>[] = [];
    let pending = '';
    const started = new Promise<void>((resolve, reject) => {
      proc.stdout?.on('data', (d: Buffer) => {
        pending += d.toString();
        for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
          lines.push(JSON.parse(pending.slice(0, nl)) as Record<string, unknown>);
          pending = pending.slice(nl + 1);
          if (lines.at(-1)?.msg === 'bridge started') resolve();
        }
      });
      proc.once('exit', (code) => reject(new Error(`exited with ${code} before starting`)));
    });
    await started;
    const warning = lines.find((l) => String(l.msg).startsWith('config: R2M_MQTT_PROT'));
    expect(warning).toMatchObject({
      level: 40,
      msg: 'config: R2M_MQTT_PROT: is not a raritan2mqtt setting, ignored (did you mean R2M_MQTT_PORT?)',
    });
    // The variable changed nothing: the other settings are the file's, and the bridge runs.
    expect(lines.filter((l) => String(l.msg).startsWith('config: '))).toHaveLength(1);
    const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
