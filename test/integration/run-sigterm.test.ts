import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STOP_GRACE_MS } from '../../bridge/poller.ts';
import {
  hasMosquitto,
  type Mosquitto,
  mosquittoSkipMessage,
  startMosquitto,
} from '../../support/mosquitto.ts';
import { bin } from '../helpers/cli.ts';
import { retained, watch } from '../helpers/mqtt-client.ts';

if (!hasMosquitto) console.warn(mosquittoSkipMessage);

/**
 * SIGTERM is bounded: a PDU that never answers, with timeouts of 30 s and 3 retries, would hold a
 * graceful stop for minutes (timeout × attempts × requests); the bridge abandons the poll in flight
 * after a short grace and still stops cleanly: `offline` published, exit 0. The bound asserted is the
 * test's own timeout, well under one SNMP timeout of this PDU.
 */
describe.skipIf(!hasMosquitto)('raritan2mqtt run: SIGTERM during a poll of a silent PDU', () => {
  let silent: Socket;
  let broker: Mosquitto;
  let dir: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    // A UDP port that takes every request and answers none (no ICMP "unreachable" either).
    silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', () => resolve()));
    broker = await startMosquitto();
    dir = mkdtempSync(join(tmpdir(), 'r2m-sigterm-'));
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    silent?.close();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 after the grace, with offline published', async () => {
    const file = join(dir, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({
        pdus: [{ id: 'silent', host: '127.0.0.1', port: silent.address().port, timeout: 30_000, retries: 3 }],
        mqtt: { url: broker.url, baseTopic: 'sigterm' },
        http: { host: '127.0.0.1', port: 0 },
        db: { path: join(dir, 'r2m.db') },
        log: { level: 'info' },
      }),
    );
    const requests: number[] = [];
    silent.on('message', () => requests.push(Date.now()));
    const w = await watch(broker.url, ['sigterm/bridge/state']);

    child = spawn(process.execPath, [bin, 'run', '-c', file], {
      env: { ...process.env, R2M_CONFIG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    // Started (signal handlers in place) and the first poll's request is out, unanswered.
    await w.waitFor((m) => m.payload === 'online', 20_000);
    while (!stdout.includes('bridge started') || requests.length === 0)
      await new Promise((r) => setTimeout(r, 50));

    const sent = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const stoppedAfterMs = Date.now() - sent;
    child = undefined;
    console.log(
      `SIGTERM during a silent 30 s × 4 poll: exited after ${stoppedAfterMs} ms (grace ${STOP_GRACE_MS} ms)`,
    );

    expect(stdout).toContain('abandoning the poll in flight');
    expect(stderr).toBe('');
    // The poll was still in its first attempt: nothing but the one request (and no retry) was sent.
    expect(requests.length).toBe(1);
    await w.waitFor((m) => m.payload === 'offline');
    await w.close();
    expect((await retained(broker.url, ['sigterm/bridge/state'])).get('sigterm/bridge/state')).toBe(
      'offline',
    );
  }, 20_000);
});
