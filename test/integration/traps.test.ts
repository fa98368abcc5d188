import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import snmp from 'net-snmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, createBridge } from '../../bridge/controller.ts';
import { silentLogger } from '../../bridge/log.ts';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { createTrapSender } from '../../bridge/sim/traps.ts';
import { NAMEPLATE } from '../../bridge/snmp/mib.ts';
import { notificationOid } from '../../bridge/traps/notifications.ts';
import { loadConfig } from '../../config/load.ts';
import { freeUdpPort } from '../../support/ports.ts';
import { type Watcher, watch } from '../helpers/mqtt-client.ts';

/**
 * SNMP traps end to end (docs/architecture.md; docs/security.md, "SNMP traps"): the
 * simulated PDU sends its traps to the bridge's receiver; a trap from the configured PDU makes the
 * bridge poll it at once, so a switch made on the PDU itself is on MQTT long before the next
 * scheduled poll (an hour away here). One sent with Debian's snmptrap does the same. A flood costs
 * at most one poll a second; traps from an unknown address or with a wrong community change nothing.
 */

const SNMPTRAP = '/usr/bin/snmptrap';
const run = promisify(execFile);
const BASE = 'traps';

describe('SNMP traps from the simulated PDU', () => {
  let agent: SimAgent;
  let bridge: Bridge;
  let dir: string;
  let trapPort: number;
  let w: Watcher;

  async function counters(): Promise<Record<string, number>> {
    const text = await (await fetch(`http://127.0.0.1:${bridge.http!.port}/metrics`)).text();
    const out: Record<string, number> = {};
    for (const m of text.matchAll(/^raritan2mqtt_traps_total\{result="(\w+)"\} (\d+)$/gm))
      out[m[1]!] = Number(m[2]);
    return out;
  }
  async function until<T>(get: () => Promise<T> | T, pred: (v: T) => boolean, what: string): Promise<T> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const v = await get();
      if (pred(v)) return v;
      if (Date.now() > deadline) throw new Error(`${what}: not within 15 s (last ${JSON.stringify(v)})`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  const polls = () => bridge.status.pdus()[0]!.polls;
  const serial = () => agent.model.identity(1).serial;

  beforeAll(async () => {
    trapPort = await freeUdpPort();
    agent = await startSimAgent({ model: { outlets: 8, seed: 5 }, traps: { port: trapPort } });
    dir = mkdtempSync(join(tmpdir(), 'r2m-traps-'));
    const config = loadConfig({
      env: {},
      overrides: {
        pdus: [{ id: 'lab', host: '127.0.0.1', port: agent.port, pollInterval: 3600 }],
        snmp: { trapPort, trapHost: '127.0.0.1' },
        mqtt: { port: 0, baseTopic: BASE },
        http: { port: 0, host: '127.0.0.1' },
        db: { path: join(dir, 'r2m.db') },
      },
    });
    bridge = createBridge({ config, log: silentLogger });
    await bridge.start();
    w = await watch(bridge.mqtt.url!, [`${BASE}/#`]);
    await until(polls, (n) => n >= 1, 'the first poll');
    await w.waitFor((m) => m.topic === `${BASE}/lab/outlet/1`);
  });
  afterAll(async () => {
    await w?.close();
    await bridge?.stop();
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts a switch made on the PDU itself on MQTT at once, from the poll the trap asks for', async () => {
    const outlet = 2;
    const was = agent.model.isOn(1, outlet, Date.now());
    const want = was ? 'off' : 'on';
    const from = w.seen.length;
    const before = polls();
    // As someone at the PDU's web page would: the model changes, the PDU sends its traps.
    agent.model.switchOutlet(1, outlet, want, Date.now());
    const m = await w.waitFor(
      (x) =>
        w.seen.indexOf(x) >= from &&
        x.topic === `${BASE}/lab/outlet/${outlet}` &&
        JSON.parse(x.payload).state === want,
    );
    expect(JSON.parse(m.payload).state).toBe(want);
    expect(polls()).toBeGreaterThan(before);
    expect((await counters()).accepted).toBeGreaterThanOrEqual(1);
  });

  it.skipIf(!existsSync(SNMPTRAP))("polls on a trap sent with Debian's snmptrap", async () => {
    const accepted = (await counters()).accepted ?? 0;
    const before = polls();
    await run(SNMPTRAP, [
      '-v2c',
      '-c',
      'public',
      `127.0.0.1:${trapPort}`,
      '',
      notificationOid(63),
      `${NAMEPLATE.serial}.1`,
      's',
      serial(),
    ]);
    await until(counters, (c) => (c.accepted ?? 0) > accepted, 'the trap accepted');
    await until(polls, (n) => n > before, 'a poll after the trap');
  });

  it('changes nothing for a trap from an unknown address or with a wrong community', async () => {
    const start = await counters();
    const before = polls();
    const stranger = createTrapSender({ port: trapPort, sourceAddress: '127.0.0.2' });
    const wrong = createTrapSender({ port: trapPort, community: 'wrong' });
    try {
      stranger.send(63, []);
      wrong.send(63, []);
      await until(
        counters,
        (c) => (c.unknown ?? 0) > (start.unknown ?? 0) && (c.refused ?? 0) > (start.refused ?? 0),
        'both traps counted',
      );
      // Counted, not acted on: no poll came of them.
      expect((await counters()).accepted).toBe(start.accepted);
      expect(polls()).toBe(before);
    } finally {
      stranger.close();
      wrong.close();
    }
  });

  it('matches a PDU sending from another address by its serial (pduSerialNumber)', async () => {
    const start = await counters();
    const before = polls();
    const behindNat = createTrapSender({ port: trapPort, sourceAddress: '127.0.0.2' });
    try {
      behindNat.send(63, [
        { oid: `${NAMEPLATE.serial}.1`, type: snmp.ObjectType.OctetString, value: serial() },
      ]);
      await until(counters, (c) => (c.accepted ?? 0) > (start.accepted ?? 0), 'the trap matched by serial');
      await until(polls, (n) => n > before, 'a poll after it');
    } finally {
      behindNat.close();
    }
  });

  it('answers a flood with at most one poll a second', async () => {
    const start = await counters();
    const before = polls();
    const flood = createTrapSender({ port: trapPort });
    const began = Date.now();
    try {
      for (let i = 0; i < 300; i++) {
        flood.send(23, []);
        if (i % 50 === 49) await new Promise((r) => setTimeout(r, 100));
      }
      await until(
        counters,
        (c) => (c.accepted ?? 0) >= (start.accepted ?? 0) + 100,
        'most of the flood received',
      );
      // Let the last requested poll (at most one pending) run.
      await new Promise((r) => setTimeout(r, 1500));
      const elapsedS = (Date.now() - began) / 1000;
      const added = polls() - before;
      expect(added).toBeGreaterThanOrEqual(1);
      // The limiter's contract, an upper bound: a slow machine only makes fewer polls.
      expect(added).toBeLessThanOrEqual(Math.ceil(elapsedS) + 1);
    } finally {
      flood.close();
    }
  });
});
