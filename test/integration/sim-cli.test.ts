import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { NAMEPLATE, SYS_DESCR, UNIT_CONFIG } from '../../bridge/snmp/mib.ts';
import { createPduReader } from '../../bridge/snmp/reader.ts';
import { closeAll, get, open } from './sim-client.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// The CLI entry (bridge/cli/index.ts) belongs to someone else: drive registerSim through commander directly.
const script = `
import { Command } from 'commander';
import { registerSim } from './bridge/cli/sim.ts';
const program = new Command('raritan2mqtt');
registerSim(program);
await program.parseAsync(process.argv.slice(1), { from: 'user' });
`;

let child: ChildProcess | undefined;
afterAll(() => {
  closeAll();
  child?.kill('SIGKILL');
});

describe('raritan2mqtt sim', () => {
  it('starts N PDUs, says where they listen, and stops cleanly on SIGTERM', async () => {
    const args = [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
      '--',
      'sim',
      '--port',
      '0',
      '--count',
      '2',
    ];
    child = spawn(process.execPath, [...args, '--outlets', '12', '--units', '2', '--community', 'sesame'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, R2M_LOG_LEVEL: 'warn' },
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    for (let i = 0; i < 100 && !/on udp/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
    const match = /on udp 127\.0\.0\.1:(\d+),(\d+)/.exec(out);
    expect(match, out).not.toBeNull();
    expect(out).not.toContain('sesame');
    const ports = [Number(match?.[1]), Number(match?.[2])];
    for (const port of ports) {
      const vbs = await get(open(port, { community: 'sesame' }), [SYS_DESCR, `${UNIT_CONFIG.outletCount}.2`]);
      expect(String(vbs[0]?.value)).toContain('MD:PX3-5892');
      expect(vbs[1]?.value).toBe(12);
    }
    // --count gives each PDU its own seed, hence its own serial.
    const serials = await Promise.all(
      ports.map(async (p) =>
        String((await get(open(p, { community: 'sesame' }), [`${NAMEPLATE.serial}.1`]))[0]?.value),
      ),
    );
    expect(serials[0]).not.toBe(serials[1]);

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(out).toContain('SIGTERM, stopping');
  });

  it('simulates a 3-phase unit with the protectors asked for and, with --no-environment, no sensors', async () => {
    const args = ['--import', 'tsx', '--input-type=module', '-e', script, '--', 'sim', '--port', '0'];
    const flags = ['--outlets', '12', '--phases', '3', '--breakers', '3', '--no-environment'];
    const sim = spawn(process.execPath, [...args, ...flags], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, R2M_LOG_LEVEL: 'warn' },
    });
    child = sim;
    let out = '';
    sim.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    sim.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    for (let i = 0; i < 100 && !/on udp/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
    const port = Number(/on udp 127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
    expect(port, out).toBeGreaterThan(0);
    const reader = createPduReader({
      source: 'sim',
      target: { host: '127.0.0.1', port, version: '2c', community: 'public', timeout: 2000, retries: 1 },
      layoutRefreshMs: 60_000,
    });
    const unit = (await reader.read()).units[0]!;
    reader.close();
    expect(Object.keys(unit.lines)).toEqual(['L1', 'L2', 'L3', 'N']);
    expect(unit.breakers.map((b) => b.outlets)).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
    ]);
    expect(unit.sensors).toEqual([]);
    sim.kill('SIGTERM');
    const [code] = await once(sim, 'exit');
    expect(code).toBe(0);
  });
});
