import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BridgeEvent } from '../../bridge/facts/events.ts';
import { MAX_EVENTS } from '../../bridge/history/events.ts';
import { createHistory, type History } from '../../bridge/history/history.ts';
import { silentLogger } from '../../bridge/log.ts';
import { describeEvent, mergeEvents } from '../../ui/src/lib/events.ts';

/**
 * The bridge's events in the history (bridge/history/events.ts, migration 4) on a real SQLite file,
 * and the panel's words for them (ui/src/lib/events.ts).
 */

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const ev = (type: BridgeEvent['type'], pdu: string, time: number, data: object = {}): BridgeEvent => ({
  type,
  source: pdu.split('-')[0]!,
  time,
  data: { pdu, ...data },
});

describe('the event log', () => {
  let dir: string;
  let history: History;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'r2m-events-'));
    history = createHistory({ path: join(dir, 'h.db'), log: silentLogger });
    history.start();
  });
  afterEach(async () => {
    await history.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists events newest first, as bridge/event has them, of one unit or all', () => {
    history.recordEvent(ev('pdu_offline', 'lab', T0, { name: 'Rack A' }));
    history.recordEvent(
      ev('outlet_switched', 'lab', T0 + 2000, {
        outlet: 3,
        label: '3',
        name: 'nas',
        state: 'off',
        previous: 'on',
      }),
    );
    history.recordEvent(
      ev('outlet_renamed', 'lab-2', T0 + 1000, { outlet: 1, label: '1', name: 'x', previous: '' }),
    );
    expect(history.events({ pdu: 'lab' })).toEqual([
      {
        type: 'outlet_switched',
        data: {
          pdu: 'lab',
          outlet: 3,
          label: '3',
          name: 'nas',
          state: 'off',
          previous: 'on',
          time: new Date(T0 + 2000).toISOString(),
        },
      },
      { type: 'pdu_offline', data: { pdu: 'lab', name: 'Rack A', time: new Date(T0).toISOString() } },
    ]);
    expect(history.events().map((e) => e.data.pdu)).toEqual(['lab', 'lab-2', 'lab']);
    expect(history.events({ limit: 1 })).toHaveLength(1);
  });

  it('keeps the newest MAX_EVENTS, however many come', () => {
    for (let i = 0; i < MAX_EVENTS + 600; i++)
      history.recordEvent(ev('outlet_switched', 'lab', T0 + i, { outlet: 1, state: 'on' }));
    const count = history.db().prepare('SELECT COUNT(*) FROM bridge_event').pluck().get() as number;
    expect(count).toBeLessThanOrEqual(MAX_EVENTS + 256);
    expect(history.events({ limit: 1 })[0]?.data.time).toBe(new Date(T0 + MAX_EVENTS + 599).toISOString());
  });
});

describe("the panel's events list", () => {
  const json = (e: BridgeEvent) => ({
    type: e.type,
    data: { ...e.data, time: new Date(e.time).toISOString() },
  });

  it('says what happened in a line', () => {
    expect(
      describeEvent(
        json(ev('outlet_switched', 'lab', T0, { outlet: 3, label: '3', name: 'nas', state: 'off' })),
      ),
    ).toBe('Outlet 3 (nas) switched off');
    expect(
      describeEvent(
        json(ev('outlet_renamed', 'lab', T0, { outlet: 2, label: '2', name: 'db', previous: '' })),
      ),
    ).toBe('Outlet 2 renamed from no name to “db”');
    expect(
      describeEvent(json(ev('breaker_tripped', 'lab', T0, { breaker: 'C1', name: '', outlets: [1, 2] }))),
    ).toBe('Breaker C1 tripped (outlets 1, 2)');
    expect(
      describeEvent(json(ev('alarm_raised', 'lab', T0, { field: 'current', state: 'aboveUpperCritical' }))),
    ).toBe('PDU: current aboveUpperCritical');
  });

  it('merges the live events over the listed ones, each once, newest first', () => {
    const a = json(ev('pdu_offline', 'lab', T0));
    const b = json(ev('pdu_online', 'lab', T0 + 1000));
    const c = json(ev('outlet_switched', 'lab', T0 + 2000, { outlet: 1, state: 'on' }));
    expect(mergeEvents([c, b], [b, a], 10)).toEqual([c, b, a]);
    expect(mergeEvents([c], [b, a], 2)).toEqual([c, b]);
  });
});
