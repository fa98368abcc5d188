import {
  type BridgeEvent,
  type BridgeEventType,
  EVENT_TYPES,
  type EventData,
  eventPayload,
} from '../facts/events.ts';
import type { Db } from './db.ts';

/**
 * The bridge's events (bridge/facts/events.ts) as the history keeps them, for the panel's events list:
 * the same `{ type, data }` as `bridge/event`, newest first. Events are few (a switch, an outage) but
 * a flapping PDU or a scripted switch loop must not grow the file without bound: the newest
 * MAX_EVENTS are kept.
 */

export const MAX_EVENTS = 10_000;

export interface EventJson {
  type: BridgeEventType;
  data: EventData & { time: string };
}

export interface EventQuery {
  /** A unit id: its events only. */
  pdu?: string;
  /** Newest first, at most this many (default 50). */
  limit?: number;
}

export function createEventLog(db: Db) {
  const insert = db.prepare<[number, string, string, string, string]>(
    'INSERT INTO bridge_event (ts_ms, source, pdu, type, data) VALUES (?, ?, ?, ?, ?)',
  );
  const trim = db.prepare<[number]>(
    'DELETE FROM bridge_event WHERE id <= (SELECT MAX(id) FROM bridge_event) - ?',
  );
  const all = db.prepare<[number], { type: string; data: string }>(
    'SELECT type, data FROM bridge_event ORDER BY ts_ms DESC, id DESC LIMIT ?',
  );
  const ofPdu = db.prepare<[string, number], { type: string; data: string }>(
    'SELECT type, data FROM bridge_event WHERE pdu = ? ORDER BY ts_ms DESC, id DESC LIMIT ?',
  );
  let inserted = 0;
  const known = new Set<string>(EVENT_TYPES);
  return {
    record(e: BridgeEvent): void {
      const { data } = eventPayload(e);
      insert.run(e.time, e.source, e.data.pdu, e.type, JSON.stringify(data));
      if (++inserted % 256 === 0) trim.run(MAX_EVENTS);
    },
    latest(q: EventQuery = {}): EventJson[] {
      const limit = q.limit ?? 50;
      const rows = q.pdu === undefined ? all.all(limit) : ofPdu.all(q.pdu, limit);
      // A row of an event type this version does not know (a newer bridge wrote it) is left out.
      return rows
        .filter((r) => known.has(r.type))
        .map((r) => ({ type: r.type as BridgeEventType, data: JSON.parse(r.data) as EventJson['data'] }));
    },
  };
}
