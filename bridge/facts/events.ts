import type { AvailabilityChange } from '../bus.ts';
import { type Alarms, diffAlarms } from './alarms.ts';

export type { Alarms };

import type { OnOff, PollResult } from '../readings.ts';

/**
 * The bridge's events (docs/mqtt.md, "Events"): what changed between two consecutive readings of a
 * unit, and the poller's availability decisions. Pure rules in `diffUnits`; `createEventDetector`
 * only remembers the last reading of each unit. Events come from what the polls observe, so they fire
 * with or without SNMP traps (a trap only makes the poll come sooner), and never from a trap alone.
 */

export type BridgeEventType =
  | 'pdu_online'
  | 'pdu_offline'
  | 'outlet_switched'
  | 'outlet_renamed'
  | 'alarm_raised'
  | 'alarm_cleared'
  | 'breaker_tripped'
  | 'breaker_closed';

export const EVENT_TYPES: readonly BridgeEventType[] = [
  'pdu_online',
  'pdu_offline',
  'outlet_switched',
  'outlet_renamed',
  'alarm_raised',
  'alarm_cleared',
  'breaker_tripped',
  'breaker_closed',
];

/** What an alarm or breaker event is about: the unit itself (its inlet), an outlet, a breaker or a sensor. */
export interface EventSubject {
  outlet?: number;
  breaker?: string;
  sensor?: string;
}

export interface EventData extends EventSubject {
  /** The unit id (`pdu1`, `pdu1-2`). */
  pdu: string;
  /** The unit's, outlet's, breaker's or sensor's name ('' when it has none). */
  name?: string;
  label?: string;
  /** outlet_switched: the new state; alarm_*: the alarm state (alarm_cleared: the state it left). */
  state?: string;
  /** The state or name before the change (null: none, e.g. an alarm newly raised). */
  previous?: string | null;
  /** alarm_*: the payload field the alarm is on (`current`, `temperature`, …). */
  field?: string;
  /** breaker_*: the outlets it feeds. */
  outlets?: readonly number[];
}

export interface BridgeEvent {
  type: BridgeEventType;
  /** The configured PDU the unit is read through. */
  source: string;
  /** ms since the epoch: the poll (or availability decision) that observed it. */
  time: number;
  data: EventData;
}

/**
 * The parts of a reading the detector compares. Structural, so a PduReading is one, and so are the
 * breakers, sensors and `alarms` maps that the reading model carries where the PDU has them.
 */
export interface ObservedOutlet {
  outlet: number;
  label: string;
  name: string;
  state: OnOff | null;
  alarms?: Alarms;
}
export interface ObservedBreaker {
  label: string;
  name?: string;
  /** The trip sensor reads open (PDU2-MIB: for a trip sensor, open = tripped). */
  tripped: boolean | null;
  alarms?: Alarms;
  outlets?: readonly number[];
}
export interface ObservedSensor {
  id: string;
  name?: string;
  alarms?: Alarms;
}
export interface ObservedUnit {
  id: string;
  source: string;
  time: number;
  identity: { name: string };
  outlets: readonly ObservedOutlet[];
  /** The unit's own (inlet) alarms. */
  alarms?: Alarms;
  breakers?: readonly ObservedBreaker[];
  sensors?: readonly ObservedSensor[];
}

const NONE: Alarms = {};

function alarmEvents(
  base: { source: string; time: number; pdu: string },
  subject: EventSubject & { name?: string },
  before: Alarms | undefined,
  after: Alarms | undefined,
  skip?: (field: string) => boolean,
): BridgeEvent[] {
  const prev = before ?? NONE;
  const next = after ?? NONE;
  const out: BridgeEvent[] = [];
  const make = (type: BridgeEventType, data: Omit<EventData, 'pdu'>): BridgeEvent => ({
    type,
    source: base.source,
    time: base.time,
    data: { pdu: base.pdu, ...subject, ...data },
  });
  // What is an alarm change is the alarm rule's (bridge/facts/alarms.ts): a change of severity
  // (warning → critical) clears the old state and raises the new one.
  const { raised, cleared } = diffAlarms(prev, next);
  for (const { field, state } of cleared)
    if (!skip?.(field)) out.push(make('alarm_cleared', { field, state, previous: state }));
  for (const { field, state } of raised)
    if (!skip?.(field)) out.push(make('alarm_raised', { field, state, previous: prev[field] ?? null }));
  return out;
}

/** The events between two consecutive good readings of one unit. */
export function diffUnits(prev: ObservedUnit, next: ObservedUnit): BridgeEvent[] {
  const base = { source: next.source, time: next.time, pdu: next.id };
  const events: BridgeEvent[] = [];
  const event = (type: BridgeEventType, data: Omit<EventData, 'pdu'>) =>
    events.push({ type, source: base.source, time: base.time, data: { pdu: base.pdu, ...data } });

  events.push(...alarmEvents(base, { name: next.identity.name }, prev.alarms, next.alarms));

  const before = new Map(prev.outlets.map((o) => [o.outlet, o]));
  for (const o of next.outlets) {
    const p = before.get(o.outlet);
    if (!p) continue;
    const who = { outlet: o.outlet, label: o.label };
    // Unknown (null) is not a state: a sensor that could not be read switched nothing.
    if (p.state !== null && o.state !== null && p.state !== o.state)
      event('outlet_switched', { ...who, name: o.name, state: o.state, previous: p.state });
    if (p.name !== o.name) event('outlet_renamed', { ...who, name: o.name, previous: p.name });
    events.push(...alarmEvents(base, { ...who, name: o.name }, p.alarms, o.alarms));
  }

  const breakers = new Map((prev.breakers ?? []).map((b) => [b.label, b]));
  for (const b of next.breakers ?? []) {
    const p = breakers.get(b.label);
    if (!p) continue;
    const who = { breaker: b.label, name: b.name ?? '', ...(b.outlets ? { outlets: b.outlets } : {}) };
    if (p.tripped !== null && b.tripped !== null && p.tripped !== b.tripped)
      event(b.tripped ? 'breaker_tripped' : 'breaker_closed', {
        ...who,
        state: b.tripped ? 'open' : 'closed',
        previous: p.tripped ? 'open' : 'closed',
      });
    // A trip is its own event (breaker_tripped): not also an alarm on the breaker's trip state.
    const tripField = (field: string) => field === 'state' || field === 'tripped' || field === 'trip';
    events.push(...alarmEvents(base, who, p.alarms, b.alarms, tripField));
  }

  const sensors = new Map((prev.sensors ?? []).map((s) => [s.id, s]));
  for (const s of next.sensors ?? []) {
    const p = sensors.get(s.id);
    if (p) events.push(...alarmEvents(base, { sensor: s.id, name: s.name ?? '' }, p.alarms, s.alarms));
  }
  return events;
}

export interface EventDetector {
  /** The events a poll shows (none for a failed poll, or for a unit's first reading). */
  poll(result: PollResult): BridgeEvent[];
  /** pdu_online / pdu_offline for the poller's decision. */
  availability(change: AvailabilityChange): BridgeEvent[];
}

export function createEventDetector(): EventDetector {
  // The last good reading of each unit, kept across an outage: what changed meanwhile is still told.
  const last = new Map<string, ObservedUnit>();
  return {
    poll(result) {
      if (!result.ok) return [];
      const events: BridgeEvent[] = [];
      for (const unit of result.units) {
        const prev = last.get(unit.id);
        if (prev) events.push(...diffUnits(prev, unit));
        last.set(unit.id, unit);
      }
      return events;
    },
    availability(change) {
      return change.units.map((pdu) => ({
        type: change.online ? 'pdu_online' : 'pdu_offline',
        source: change.source,
        time: change.time,
        data: { pdu, name: last.get(pdu)?.identity.name ?? '' },
      }));
    },
  };
}

/** The JSON of `bridge/event` (and the panel's live stream): zigbee2mqtt's `{ type, data }`. */
export function eventPayload(e: BridgeEvent): { type: BridgeEventType; data: EventData & { time: string } } {
  return { type: e.type, data: { ...e.data, time: new Date(e.time).toISOString() } };
}
