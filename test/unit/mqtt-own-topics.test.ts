import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOutbox } from '../../bridge/mqtt/outbox.ts';
import { createOwnTopics } from '../../bridge/mqtt/own-topics.ts';
import { topics } from '../../bridge/mqtt/topics.ts';
import { captureLog } from '../helpers/log-capture.ts';

const options = {
  baseTopic: 'raritan2mqtt',
  discoveryPrefix: 'homeassistant',
  bridgeId: 'lab',
  discovery: true,
};

function setup() {
  const t = topics(options);
  const sent: Array<[string, string]> = [];
  const outbox = createOutbox({
    refreshMs: 3_600_000,
    online: () => true,
    send: (topic, p) => sent.push([topic, p]),
  });
  const captured = captureLog();
  const own = createOwnTopics({
    log: captured.log,
    topics: t,
    options,
    outbox,
    online: () => true,
    delayMs: 1000,
  });
  const publish = (payload: string) => {
    outbox.setState(t.bridgeInfo, payload);
    outbox.sync(t.bridgeInfo);
  };
  return { t, sent, own, captured, publish };
}

describe("the bridge's own retained topics", () => {
  afterEach(() => vi.useRealTimers());

  it('takes the echo of its previous value, followed by its latest, for no overwrite (bridge/info rebuilt while echoes are on their way)', () => {
    vi.useFakeTimers();
    const { t, sent, own, captured, publish } = setup();
    for (let i = 0; i < 10; i++) {
      publish(`{"n":${i}}`);
      publish(`{"n":${i}.5}`);
      // The broker echoes both, in order, after the second was sent.
      own.received(t.bridgeInfo, Buffer.from(`{"n":${i}}`));
      own.received(t.bridgeInfo, Buffer.from(`{"n":${i}.5}`));
      vi.advanceTimersByTime(1500);
    }
    expect(sent.filter(([topic]) => topic === t.bridgeInfo)).toHaveLength(20);
    expect(captured.entries().filter((e) => e.level >= 40)).toEqual([]);
    own.stop();
  });

  it('still restores a value another client left there, once the latest message is not its own', () => {
    vi.useFakeTimers();
    const { t, sent, own, captured, publish } = setup();
    publish('{"n":1}');
    own.received(t.bridgeInfo, Buffer.from('{"n":1}'));
    own.received(t.bridgeInfo, Buffer.from('garbage'));
    vi.advanceTimersByTime(1500);
    expect(sent.at(-1)).toEqual([t.bridgeInfo, '{"n":1}']);
    expect(sent).toHaveLength(2);
    expect(captured.entries().filter((e) => e.level === 40)).toHaveLength(1);
    // Overwritten, then the bridge's value again before the restore was due: nothing to restore.
    own.received(t.bridgeInfo, Buffer.from('garbage'));
    own.received(t.bridgeInfo, Buffer.from('{"n":1}'));
    vi.advanceTimersByTime(1500);
    expect(sent).toHaveLength(2);
    own.stop();
  });
});
