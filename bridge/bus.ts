import type { BridgeEvent } from './facts/events.ts';
import type { Logger } from './log.ts';
import type { PollResult } from './readings.ts';
import type { TrapSeen } from './traps/receiver.ts';

/**
 * The one typed event bus between the sources (pollers) and the consumers (history, MQTT, the live
 * panel stream, …), in the spirit of zigbee2mqtt's event bus. A consumer subscribes to what it needs
 * and never reaches into another consumer; nothing depends on the order listeners run in. A listener
 * that throws is logged and the others still run: one consumer's bug never silences the rest.
 * docs/architecture.md describes the events and who emits them.
 */

/** The poller's debounced availability changed: the only source of online/offline for every consumer. */
export interface AvailabilityChange {
  /** The configured PDU id the units are read through. */
  source: string;
  /** Unit ids (PduReading.id) whose availability changed. */
  units: readonly string[];
  online: boolean;
  /** ms since the epoch. */
  time: number;
}

/** The history committed a poll: what it derives from its store (today's energy, peaks) is current. */
export interface Recorded {
  source: string;
  units: readonly string[];
  time: number;
}

/** The history's past is being filled in behind live polls (the demo's year): polls done and to do. */
export interface BackfillState {
  done: number;
  total: number;
  /** false once it has ended (the live polls queued meanwhile are recorded by then). */
  running: boolean;
}

export interface BusEvents {
  /** Every poll of one configured PDU, good or failed, with the facts (energy) applied. */
  poll: PollResult;
  availability: AvailabilityChange;
  recorded: Recorded;
  backfill: BackfillState;
  /** What a poll or an availability decision showed changed (bridge/facts/events.ts). */
  event: BridgeEvent;
  /** A configured PDU sent a trap about its state: it is to be polled now (bridge/traps/). */
  trap: TrapSeen;
}

export type BusEventName = keyof BusEvents;
export type Listener<K extends BusEventName> = (event: BusEvents[K]) => void;

export interface Bus {
  emit<K extends BusEventName>(name: K, event: BusEvents[K]): void;
  /** `owner` names the subscriber in the log when its listener throws. Returns the unsubscribe. */
  on<K extends BusEventName>(name: K, listener: Listener<K>, owner?: string): () => void;
  /** Listeners per event (tests, /metrics). */
  listeners(name: BusEventName): number;
}

/**
 * Whatever reacts to the bus (history, MQTT, the HTTP server's live stream): started in list order
 * after the sources' shared stores, stopped in reverse after the sources have stopped.
 */
export interface Consumer {
  readonly name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

export function createBus(log: Logger): Bus {
  const subscribers = new Map<BusEventName, Set<{ listener: (e: never) => void; owner: string }>>();
  return {
    emit(name, event) {
      for (const s of subscribers.get(name) ?? []) {
        try {
          (s.listener as Listener<typeof name>)(event);
        } catch (err) {
          log.error({ event: name, consumer: s.owner, err: errorText(err) }, 'a bus listener failed');
        }
      }
    },
    on(name, listener, owner = 'anonymous') {
      let set = subscribers.get(name);
      if (!set) {
        set = new Set();
        subscribers.set(name, set);
      }
      const entry = { listener: listener as (e: never) => void, owner };
      set.add(entry);
      return () => {
        set.delete(entry);
      };
    },
    listeners: (name) => subscribers.get(name)?.size ?? 0,
  };
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
