import { createCompactor } from './compact.ts';

/**
 * What the bridge wants retained on the broker, and what it last sent. A state payload goes out
 * when it changed or when the refresh interval has passed; a discovery config only when it changed.
 * While the broker is away nothing is sent (and nothing queued): `flushAll` republishes the current
 * state once it is back, clears included.
 *
 * Discovery configs are kept compactly (compact.ts): ~3.7 kB of repetitive JSON per outlet device,
 * only needed again on a reconnect or a Home Assistant restart; at 7,200 outlets that is ~27 MB as
 * strings, ~6 MB deflated one by one, ~1.3 MB deflated with the learnt dictionary.
 */

export interface OutboxDeps {
  /** Republish unchanged state after this long; 0: on every sync (every poll). */
  refreshMs: number;
  online: () => boolean;
  send: (topic: string, payload: string) => void;
  now?: () => number;
}

export interface Outbox {
  setState(topic: string, payload: string): void;
  setDiscovery(topic: string, payload: string): void;
  /** The discovery config last set for the topic. */
  discovery(topic: string): string | undefined;
  hasState(topic: string): boolean;
  /** Publishes the topic if it changed (or is due for a refresh, or `force`). */
  sync(topic: string, force?: boolean): void;
  /** Forgets the topic and clears its retained message (now, or on the next flush). */
  clear(topic: string): void;
  /** Pending clears, then every discovery config, then every state topic. */
  flushAll(force: boolean): void;
  /**
   * True when the bridge last sent `topic` and `payload` is not that: another client overwrote it (the
   * bridge subscribes to its own retained topics; its own echo is not a difference).
   */
  overwritten(topic: string, payload: Buffer): boolean;
}

export function createOutbox({ refreshMs, online, send, now = Date.now }: OutboxDeps): Outbox {
  const state = new Map<string, string>();
  const compactor = createCompactor();
  const deflate = (payload: string): string => compactor.pack(Buffer.from(payload));
  const inflate = (stored: string): string => compactor.unpack(stored).toString('utf8');
  /** Compact (above). */
  const discovery = new Map<string, string>();
  /** What was last sent: the state payload, or the deflated config. */
  const sent = new Map<string, { payload: string; at: number }>();
  const pendingClears = new Set<string>();

  function sync(topic: string, force = false): void {
    if (!online()) {
      // A forced send held back (a restore while the socket is backlogged, backlog.ts) is owed: the
      // next flush sends the topic even though its payload did not change.
      if (force) sent.delete(topic);
      return;
    }
    const current = state.get(topic);
    const payload = current ?? discovery.get(topic);
    if (payload === undefined) return;
    const last = sent.get(topic);
    const due = current !== undefined && last !== undefined && now() - last.at >= refreshMs;
    if (force || last?.payload !== payload || due) {
      // Updated in place: a record made per publish would live a whole cycle, so be promoted and
      // wait for a full GC (7,200 of them every 10 s at 200 PDUs; docs/architecture.md, "Memory").
      if (last === undefined) sent.set(topic, { payload, at: now() });
      else {
        last.payload = payload;
        last.at = now();
      }
      send(topic, current ?? inflate(payload));
    }
  }

  return {
    setState(topic, payload) {
      // An unchanged payload keeps the string already held: the new one then dies young instead of
      // replacing it in the old generation (an idle outlet's state is the same poll after poll).
      if (state.get(topic) !== payload) state.set(topic, payload);
    },
    setDiscovery(topic, payload) {
      // Unchanged content keeps its stored form: the same config deflated before and after the
      // dictionary was learnt (compact.ts) differs, and would be sent again for nothing.
      const stored = discovery.get(topic);
      if (stored === undefined || inflate(stored) !== payload) discovery.set(topic, deflate(payload));
    },
    discovery: (topic) => {
      const stored = discovery.get(topic);
      return stored === undefined ? undefined : inflate(stored);
    },
    hasState: (topic) => state.has(topic),
    sync,
    clear(topic) {
      state.delete(topic);
      discovery.delete(topic);
      sent.delete(topic);
      if (online()) send(topic, '');
      else pendingClears.add(topic);
    },
    overwritten(topic, payload) {
      const last = sent.get(topic);
      if (last === undefined) return false;
      // A topic is a state topic or a discovery config, never both.
      const mine = discovery.has(topic) ? inflate(last.payload) : last.payload;
      return payload.toString('utf8') !== mine;
    },
    flushAll(force) {
      if (!online()) return;
      for (const topic of pendingClears) send(topic, '');
      pendingClears.clear();
      for (const topic of discovery.keys()) sync(topic, force);
      for (const topic of state.keys()) sync(topic, force);
    },
  };
}
