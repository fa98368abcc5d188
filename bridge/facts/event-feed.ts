import type { Bus, Consumer } from '../bus.ts';
import { createEventDetector } from './events.ts';

/**
 * Turns what the sources report into the bridge's events (bridge/facts/events.ts): every good poll
 * and every availability decision goes through the one detector, and each event it finds goes back
 * on the bus as `event`, for MQTT (`bridge/event`), the history and the panel alike.
 */
export function createEventFeed(bus: Bus): Consumer {
  const detector = createEventDetector();
  const offs: (() => void)[] = [];
  const emitAll = (events: ReturnType<typeof detector.poll>) => {
    for (const e of events) bus.emit('event', e);
  };
  return {
    name: 'events',
    start() {
      offs.push(
        bus.on('poll', (r) => emitAll(detector.poll(r)), 'events'),
        bus.on('availability', (c) => emitAll(detector.availability(c)), 'events'),
      );
    },
    stop() {
      for (const off of offs.splice(0)) off();
    },
  };
}
