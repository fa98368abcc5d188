import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, createBridge } from '../../bridge/controller.ts';
import type { BridgeEvent } from '../../bridge/facts/events.ts';
import { silentLogger } from '../../bridge/log.ts';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { loadConfig } from '../../config/load.ts';
import { freeUdpPort } from '../../support/ports.ts';

/**
 * Breaker events from what the polls observe (bridge/facts/events.ts) on the 3-phase simulator with
 * overcurrent protectors, the polls asked for by the PDU's own traps: a trip is breaker_tripped with the outlets it feeds, a reset breaker_closed,
 * and the trip is not told a second time as an alarm on the protector's trip state.
 */

async function until(pred: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('not within 15 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('breaker events on the 3-phase simulator', () => {
  let agent: SimAgent;
  let bridge: Bridge;
  let dir: string;
  const events: BridgeEvent[] = [];

  beforeAll(async () => {
    const trapPort = await freeUdpPort();
    agent = await startSimAgent({
      model: { outlets: 12, phases: 3, breakers: 3, seed: 4 },
      traps: { port: trapPort },
    });
    dir = mkdtempSync(join(tmpdir(), 'r2m-events-hw-'));
    const config = loadConfig({
      env: {},
      overrides: {
        pdus: [{ id: 'px', host: '127.0.0.1', port: agent.port, pollInterval: 3600 }],
        snmp: { trapPort, trapHost: '127.0.0.1' },
        mqtt: { port: 0 },
        http: { port: 0, host: '127.0.0.1' },
        db: { path: join(dir, 'r2m.db') },
      },
    });
    bridge = createBridge({ config, log: silentLogger });
    bridge.bus.on('event', (e) => events.push(e), 'test');
    await bridge.start();
    await bridge.pollers[0]!.pollNow();
  });
  afterAll(async () => {
    await bridge?.stop();
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tells a trip and a reset of a protector, once each', async () => {
    const label = bridge.pollers[0]!.last[0]!.breakers[1]!.label;
    const feeds = bridge.pollers[0]!.last[0]!.breakers[1]!.outlets;
    expect(feeds.length).toBeGreaterThan(0);
    events.length = 0;
    // No poll is asked for here: the PDU's overCurrentProtectorSensorStateChange trap brings it.
    agent.model.tripBreaker(1, 2, Date.now());
    await until(() => events.some((e) => e.type === 'breaker_tripped'));
    const tripped = events.filter((e) => e.type === 'breaker_tripped');
    expect(tripped).toEqual([
      expect.objectContaining({
        source: 'px',
        data: expect.objectContaining({
          pdu: 'px',
          breaker: label,
          outlets: feeds,
          state: 'open',
          previous: 'closed',
        }),
      }),
    ]);
    expect(
      events.filter((e) => e.type === 'alarm_raised' && e.data.breaker === label && e.data.field === 'state'),
    ).toEqual([]);
    // The history keeps it for the panel.
    expect(bridge.history.events({ pdu: 'px' }).map((e) => e.type)).toContain('breaker_tripped');

    events.length = 0;
    agent.model.resetBreaker(1, 2, Date.now());
    await until(() => events.some((e) => e.type === 'breaker_closed'));
    expect(events.filter((e) => e.type === 'breaker_closed').map((e) => e.data.breaker)).toEqual([label]);
  });

  it('tells an alarm the PDU raises on its own, from the poll its trap asks for', async () => {
    events.length = 0;
    // Outlet 1's current past its 6.5 A warning with nobody calling the model: the simulator notices
    // (as a PX does) and sends outletSensorStateChange; the bridge polls (its own interval is an hour).
    agent.model.addLoad(1, 1, 1800, Date.now());
    await until(() => events.some((e) => e.type === 'alarm_raised' && e.data.outlet === 1));
    expect(events.find((e) => e.type === 'alarm_raised' && e.data.outlet === 1)?.data).toEqual(
      expect.objectContaining({ pdu: 'px', outlet: 1, field: 'current' }),
    );
    // Extra loads add up: this takes it off again.
    agent.model.addLoad(1, 1, -1800, Date.now());
    await until(() => events.some((e) => e.type === 'alarm_cleared' && e.data.outlet === 1));
  });
});
