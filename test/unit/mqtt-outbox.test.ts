import { describe, expect, it } from 'vitest';
import { createOutbox } from '../../bridge/mqtt/outbox.ts';

function setup(refreshMs = 3_600_000) {
  const sent: Array<[string, string]> = [];
  let online = true;
  let now = 1000;
  const outbox = createOutbox({
    refreshMs,
    online: () => online,
    send: (topic, payload) => sent.push([topic, payload]),
    now: () => now,
  });
  return {
    outbox,
    sent,
    setOnline: (v: boolean) => {
      online = v;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('outbox', () => {
  it('sends a state topic only when it changed', () => {
    const s = setup();
    s.outbox.setState('a', '1');
    s.outbox.sync('a');
    s.outbox.sync('a');
    s.outbox.setState('a', '2');
    s.outbox.sync('a');
    expect(s.sent).toEqual([
      ['a', '1'],
      ['a', '2'],
    ]);
  });

  it('resends unchanged state after the refresh interval, but never unchanged discovery', () => {
    const s = setup(60_000);
    s.outbox.setState('a', '1');
    s.outbox.setDiscovery('d', '{}');
    s.outbox.sync('a');
    s.outbox.sync('d');
    s.advance(59_999);
    s.outbox.sync('a');
    s.advance(1);
    s.outbox.sync('a');
    s.outbox.sync('d');
    expect(s.sent.map(([t]) => t)).toEqual(['a', 'd', 'a']);
  });

  it('sends nothing while offline and everything, clears first, when back', () => {
    const s = setup();
    s.outbox.setDiscovery('d', '{}');
    s.outbox.setState('a', '1');
    s.outbox.sync('a');
    s.setOnline(false);
    s.outbox.setState('a', '2');
    s.outbox.sync('a');
    s.outbox.clear('gone');
    expect(s.sent).toEqual([['a', '1']]);
    s.setOnline(true);
    s.outbox.flushAll(true);
    expect(s.sent.slice(1)).toEqual([
      ['gone', ''],
      ['d', '{}'],
      ['a', '2'],
    ]);
  });

  it('with a refresh interval of 0 resends state on every sync (every poll)', () => {
    const s = setup(0);
    s.outbox.setState('a', '1');
    s.outbox.setDiscovery('d', '{}');
    for (let i = 0; i < 3; i++) {
      s.outbox.sync('a');
      s.outbox.sync('d');
    }
    expect(s.sent.map(([t]) => t)).toEqual(['a', 'd', 'a', 'a']);
  });

  it('a forced flush resends unchanged topics, an unforced one does not', () => {
    const s = setup();
    s.outbox.setState('a', '1');
    s.outbox.flushAll(false);
    s.outbox.flushAll(false);
    s.outbox.flushAll(true);
    expect(s.sent).toEqual([
      ['a', '1'],
      ['a', '1'],
    ]);
  });
});
