import { describe, expect, it } from 'vitest';
import {
  createEventDetector,
  diffUnits,
  EVENT_TYPES,
  eventPayload,
  type ObservedUnit,
} from '../../bridge/facts/events.ts';
import type { PduReading, PollResult } from '../../bridge/readings.ts';

/**
 * The event detector (bridge/facts/events.ts): what changed between two consecutive readings of a
 * unit. Alarm and breaker events are checked on the structural shape the reading model carries them
 * in (`alarms: { field: state }`, a breaker's `tripped`), which PduReading grows with issue 9.
 */

function unit(over: Partial<ObservedUnit> = {}, time = 1000): ObservedUnit {
  return {
    id: 'pdu1',
    source: 'pdu1',
    time,
    identity: { name: 'rack A' },
    outlets: [
      { outlet: 1, label: '1', name: 'db-01', state: 'on' },
      { outlet: 2, label: '2', name: '', state: 'off' },
    ],
    ...over,
  };
}

const withOutlet = (n: number, change: object, time = 2000) => {
  const u = unit({}, time);
  return { ...u, outlets: u.outlets.map((o) => (o.outlet === n ? { ...o, ...change } : o)) };
};

describe('diffUnits', () => {
  it('sees nothing between equal readings', () => {
    expect(diffUnits(unit(), unit({}, 2000))).toEqual([]);
  });

  it('tells an outlet switched, with its new and previous state', () => {
    const events = diffUnits(unit(), withOutlet(2, { state: 'on' }));
    expect(events).toEqual([
      {
        type: 'outlet_switched',
        source: 'pdu1',
        time: 2000,
        data: { pdu: 'pdu1', outlet: 2, label: '2', name: '', state: 'on', previous: 'off' },
      },
    ]);
  });

  it('does not take an unreadable state (null) for a switch, either way', () => {
    const unknown = withOutlet(1, { state: null });
    expect(diffUnits(unit(), unknown)).toEqual([]);
    expect(diffUnits(unknown, withOutlet(1, { state: 'on' }, 3000))).toEqual([]);
  });

  it('tells an outlet renamed, cleared names included', () => {
    const [renamed] = diffUnits(unit(), withOutlet(1, { name: 'db-01 PSU2' }));
    expect(renamed).toMatchObject({
      type: 'outlet_renamed',
      data: { outlet: 1, name: 'db-01 PSU2', previous: 'db-01' },
    });
    const [cleared] = diffUnits(unit(), withOutlet(1, { name: '' }));
    expect(cleared?.data).toMatchObject({ name: '', previous: 'db-01' });
  });

  it('ignores an outlet the previous reading did not have (a unit grew)', () => {
    const grown = unit({}, 2000);
    const next = {
      ...grown,
      outlets: [...grown.outlets, { outlet: 3, label: '3', name: 'x', state: 'on' as const }],
    };
    expect(diffUnits(unit(), next)).toEqual([]);
  });

  it('raises and clears alarms on the unit, an outlet and a sensor, and re-raises a change of severity', () => {
    const prev = unit({
      alarms: { current: 'aboveUpperWarning' },
      sensors: [{ id: 'temp1', name: 'Inlet air' }],
    });
    const next = unit(
      {
        alarms: { current: 'aboveUpperCritical' },
        sensors: [{ id: 'temp1', name: 'Inlet air', alarms: { temperature: 'aboveUpperWarning' } }],
        outlets: [
          { outlet: 1, label: '1', name: 'db-01', state: 'on', alarms: { current: 'aboveUpperWarning' } },
          { outlet: 2, label: '2', name: '', state: 'off' },
        ],
      },
      2000,
    );
    const events = diffUnits(prev, next).map((e) => [e.type, e.data]);
    // A change of severity clears the old state and raises the new one (bridge/facts/alarms.ts diffAlarms).
    expect(
      events.map(([type, d]) => [type, (d as { field?: string }).field, (d as { state?: string }).state]),
    ).toEqual([
      ['alarm_cleared', 'current', 'aboveUpperWarning'],
      ['alarm_raised', 'current', 'aboveUpperCritical'],
      ['alarm_raised', 'current', 'aboveUpperWarning'],
      ['alarm_raised', 'temperature', 'aboveUpperWarning'],
    ]);
    expect(events[1]?.[1]).toEqual({
      pdu: 'pdu1',
      name: 'rack A',
      field: 'current',
      state: 'aboveUpperCritical',
      previous: 'aboveUpperWarning',
    });
    expect(events[2]?.[1]).toMatchObject({ outlet: 1, label: '1', name: 'db-01', previous: null });
    expect(events[3]?.[1]).toMatchObject({ sensor: 'temp1', name: 'Inlet air' });
    const back = diffUnits(next, unit({ sensors: [{ id: 'temp1', name: 'Inlet air' }] }, 3000));
    expect(back.map((e) => [e.type, e.data.field, e.data.state])).toEqual([
      ['alarm_cleared', 'current', 'aboveUpperCritical'],
      ['alarm_cleared', 'current', 'aboveUpperWarning'],
      ['alarm_cleared', 'temperature', 'aboveUpperWarning'],
    ]);
  });

  it('tells a breaker tripped and closed again, not also as an alarm on its trip state', () => {
    const closed = unit({ breakers: [{ label: 'C1', name: '', tripped: false, outlets: [1, 2] }] });
    const open = unit(
      { breakers: [{ label: 'C1', name: '', tripped: true, outlets: [1, 2], alarms: { state: 'open' } }] },
      2000,
    );
    expect(diffUnits(closed, open)).toEqual([
      {
        type: 'breaker_tripped',
        source: 'pdu1',
        time: 2000,
        data: { pdu: 'pdu1', breaker: 'C1', name: '', outlets: [1, 2], state: 'open', previous: 'closed' },
      },
    ]);
    expect(diffUnits(open, unit({ breakers: closed.breakers }, 3000)).map((e) => e.type)).toEqual([
      'breaker_closed',
    ]);
    // An unreadable trip sensor trips nothing.
    const unknown = unit({ breakers: [{ label: 'C1', tripped: null }] }, 4000);
    expect(diffUnits(closed, unknown)).toEqual([]);
  });
});

describe('the event detector', () => {
  const reading = (u: ObservedUnit) => u as unknown as PduReading;
  const poll = (units: ObservedUnit[], time: number, ok = true): PollResult =>
    (ok
      ? { ok: true, source: 'pdu1', time, durationMs: 5, requests: 1, units: units.map(reading), gone: [] }
      : {
          ok: false,
          source: 'pdu1',
          time,
          durationMs: 5,
          requests: 1,
          error: 'timeout',
        }) as unknown as PollResult;

  it('compares each unit with its last good reading, across failed polls', () => {
    const d = createEventDetector();
    expect(d.poll(poll([unit()], 1000))).toEqual([]); // a first reading is no change
    expect(d.poll(poll([], 2000, false))).toEqual([]);
    const events = d.poll(poll([withOutlet(1, { state: 'off' }, 3000)], 3000));
    expect(events.map((e) => [e.type, e.data.outlet, e.time])).toEqual([['outlet_switched', 1, 3000]]);
  });

  it('turns availability decisions into pdu_online / pdu_offline, with the unit name', () => {
    const d = createEventDetector();
    d.poll(poll([unit()], 1000));
    const [off] = d.availability({ source: 'pdu1', units: ['pdu1'], online: false, time: 5000 });
    expect(off).toEqual({
      type: 'pdu_offline',
      source: 'pdu1',
      time: 5000,
      data: { pdu: 'pdu1', name: 'rack A' },
    });
    const [on] = d.availability({ source: 'pdu1', units: ['pdu1'], online: true, time: 6000 });
    expect(on?.type).toBe('pdu_online');
  });

  it("payloads are zigbee2mqtt's { type, data } with an ISO time, for every type", () => {
    expect(EVENT_TYPES).toHaveLength(8);
    const [e] = diffUnits(unit(), withOutlet(2, { state: 'on' }, Date.UTC(2026, 0, 2, 3, 4, 5)));
    expect(eventPayload(e!)).toEqual({
      type: 'outlet_switched',
      data: {
        pdu: 'pdu1',
        outlet: 2,
        label: '2',
        name: '',
        state: 'on',
        previous: 'off',
        time: '2026-01-02T03:04:05.000Z',
      },
    });
  });
});
