import type { Bus, Consumer } from '../bus.ts';
import type { Logger } from '../log.ts';
import type { History } from './history.ts';

/**
 * The history as a consumer of the bus: every good poll is recorded in one transaction; a unit the
 * poller declares offline is marked offline (a gap: power is not integrated across it). A failed poll
 * alone records nothing, and a poll the history could not commit is logged and never retried into a
 * double count. After each commit it says so on the bus (`recorded`), for whatever shows what the
 * history derives (today's energy, peaks).
 */
export function createHistoryConsumer({
  bus,
  history,
  log,
}: {
  bus: Bus;
  history: Pick<History, 'record' | 'recordOffline' | 'recordEvent'>;
  log: Logger;
}): Consumer {
  const off: (() => void)[] = [];
  return {
    name: 'history',
    start() {
      off.push(
        bus.on(
          'poll',
          (result) => {
            if (!result.ok) return;
            const recorded = history.record(result.units);
            if (!recorded.ok) {
              log.error({ pdu: result.source, error: recorded.error }, 'history: poll not recorded');
              return;
            }
            bus.emit('recorded', {
              source: result.source,
              units: result.units.map((u) => u.id),
              time: result.time,
            });
          },
          'history',
        ),
        bus.on(
          'availability',
          (change) => {
            if (change.online) return;
            for (const id of change.units) history.recordOffline(id, change.time);
          },
          'history',
        ),
        bus.on('event', (e) => history.recordEvent(e), 'history'),
      );
    },
    stop() {
      for (const f of off.splice(0)) f();
    },
  };
}
