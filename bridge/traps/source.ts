import type { Config } from '../../config/load.ts';
import type { Bus } from '../bus.ts';
import type { MetricFamily } from '../http/deps.ts';
import type { Logger } from '../log.ts';
import { createTrapReceiver, type TrapReceiver, type TrapStats } from './receiver.ts';

/**
 * The trap receiver as the bridge runs it: a source on the bus (docs/architecture.md) built from
 * `snmp.trapPort`, `snmp.trapHost`, `snmp.trapCommunity` and the configured PDUs; each accepted trap is
 * one `trap` bus event, which the poll scheduler turns into a rate-limited poll of that PDU.
 */
export function createTrapSource(deps: {
  config: Config;
  log: Logger;
  bus: Bus;
  /** The configured PDU whose last layout read reported this serial (pduSerialNumber). */
  serialOwner: (serial: string) => string | undefined;
}): TrapReceiver & { metrics(): MetricFamily[] } {
  const { snmp } = deps.config;
  const receiver = createTrapReceiver({
    log: deps.log,
    port: snmp.trapPort ?? 0,
    host: snmp.trapHost,
    community: snmp.trapCommunity,
    pdus: deps.config.pdus,
    serialOwner: deps.serialOwner,
    onTrap: (trap) => deps.bus.emit('trap', trap),
  });
  const kinds: (keyof TrapStats)[] = ['accepted', 'unknown', 'refused', 'malformed', 'ignored'];
  return Object.assign(receiver, {
    metrics(): MetricFamily[] {
      if (receiver.port === undefined) return [];
      return [
        {
          name: 'raritan2mqtt_traps_total',
          help: 'SNMP traps received, by outcome: accepted (a PDU polled), unknown sender, refused credentials, malformed, ignored (not about state)',
          type: 'counter',
          samples: kinds.map((result) => ({ labels: { result }, value: receiver.stats[result] })),
        },
      ];
    },
  });
}
