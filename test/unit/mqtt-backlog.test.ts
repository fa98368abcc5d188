import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBacklog } from '../../bridge/mqtt/backlog.ts';
import { createOutbox } from '../../bridge/mqtt/outbox.ts';

describe('the outbox held back while the socket to the broker is backlogged', () => {
  afterEach(() => vi.useRealTimers());

  it('sends nothing above the limit, then only each changed topic once, its latest value', () => {
    vi.useFakeTimers();
    let waiting = 0;
    const sent: Array<[string, string]> = [];
    let resumes = 0;
    const backlog = createBacklog({
      waiting: () => waiting,
      limitBytes: 1000,
      retryMs: 50,
      resume: () => {
        resumes++;
        outbox.flushAll(false);
      },
    });
    const outbox = createOutbox({
      refreshMs: 3_600_000,
      online: () => backlog.open(),
      send: (topic, payload) => {
        sent.push([topic, payload]);
        waiting += payload.length;
      },
    });
    outbox.setState('a', '1');
    outbox.sync('a');
    outbox.setState('c', 'mine');
    outbox.sync('c');
    expect(sent).toHaveLength(2);
    waiting = 5000; // the broker is not reading
    for (const v of ['2', '3', '4']) {
      outbox.setState('a', v);
      outbox.sync('a');
      outbox.setState('b', `b${v}`);
      outbox.sync('b');
    }
    outbox.sync('c', true); // a forced send (a restore of an overwritten topic) is owed, not lost
    vi.advanceTimersByTime(500);
    expect(sent).toHaveLength(2);
    expect(resumes).toBe(0);
    waiting = 0; // drained
    vi.advanceTimersByTime(60);
    expect(resumes).toBe(1);
    expect(sent.slice(2)).toEqual([
      ['a', '4'],
      ['c', 'mine'],
      ['b', 'b4'],
    ]);
    backlog.stop();
  });
});
