import snmp from 'net-snmp';
import type { Logger } from '../log.ts';
import { NAMEPLATE, OUTLET_CONFIG, OUTLET_MEASUREMENT, OUTLET_SWITCH, UNIT_CONFIG } from '../snmp/mib.ts';
import { notificationOid } from '../traps/notifications.ts';
import type { SimModel } from './model-types.ts';
import { type TrapWatch, watchForTraps } from './trap-watch.ts';

/**
 * The simulated PDU's SNMP traps, as a PX3 sends them to a configured trap destination (v2c):
 * powerControl (traps.23) when a switching operation is performed, outletSensorStateChange
 * (traps.63) for the outlet's onOff sensor each time the outlet really goes on or off (after the PDU's
 * switching delay, and twice for a cycle), overCurrentProtectorSensorStateChange (traps.65) for a
 * protector tripped or reset, externalSensorStateChange (traps.66) for an external sensor's change,
 * deviceIdentificationChanged (traps.79) for a new pduName; what changes by itself (a load past a
 * threshold, an overload trip, a door) is watched for (trap-watch.ts).
 * PDU2-MIB has no notification for an outlet rename: a real PDU tells nothing, and the bridge sees
 * the name on its next names refresh. `withTraps` wraps a model so that whatever changes it (an SNMP
 * SET, the demo, a test) sends the traps.
 */

export interface SimTrapTarget {
  /** The trap receiver. */
  host?: string;
  port: number;
  /** Default 'public'. */
  community?: string;
  /** Send from this local address (a test's "unknown sender": 127.0.0.2). */
  sourceAddress?: string;
  log?: Logger;
}

export interface SimTrapSender {
  /** Traps sent so far. */
  readonly sent: number;
  send(notification: number, varbinds: snmp.Varbind[]): void;
  close(): void;
}

/** measurementsOutletSensorState's sensor type for the outlet's relay (PDU2-MIB SensorTypeEnumeration onOff). */
const ON_OFF = 14;
/** SensorStateEnumeration: on 7, off 8. */
const sensorState = (on: boolean) => (on ? 7 : 8);

export function createTrapSender(target: SimTrapTarget): SimTrapSender {
  const session = snmp.createSession(target.host ?? '127.0.0.1', target.community ?? 'public', {
    version: snmp.Version2c,
    trapPort: target.port,
    ...(target.sourceAddress ? { sourceAddress: target.sourceAddress } : {}),
  });
  session.on('error', (err: Error) => target.log?.debug({ err: err.message }, 'sim trap socket error'));
  let sent = 0;
  let closed = false;
  return {
    get sent() {
      return sent;
    },
    send(notification, varbinds) {
      if (closed) return;
      sent++;
      session.trap(notificationOid(notification), varbinds, (err: Error | null) => {
        if (err) target.log?.debug({ err: err.message }, 'sim trap not sent');
      });
    },
    close() {
      closed = true;
      session.close();
    },
  };
}

const text = (oid: string, value: string): snmp.Varbind => ({
  oid,
  type: snmp.ObjectType.OctetString,
  value,
});
const int = (oid: string, value: number): snmp.Varbind => ({ oid, type: snmp.ObjectType.Integer, value });

export interface TrappingModel extends SimModel {
  /** Where the traps go from now on (undefined: nowhere, as a PDU without a trap destination). */
  sendTrapsTo(target: SimTrapTarget | undefined): void;
  stopTraps(): void;
}

/** A model whose changes send the PDU's traps, once it is given a destination. */
export function withTraps(model: SimModel): TrappingModel {
  const timers = new Set<NodeJS.Timeout>();
  let current: SimTrapSender | undefined;
  const sender = { send: (n: number, v: snmp.Varbind[]) => current?.send(n, v) };
  const unitVarbinds = (unit: number) => [
    text(`${UNIT_CONFIG.pduName}.${unit}`, model.pduName(unit)),
    text(`${NAMEPLATE.serial}.${unit}`, model.identity(unit).serial),
  ];
  const outletVarbinds = (unit: number, outlet: number) => [
    ...unitVarbinds(unit),
    text(`${OUTLET_CONFIG.label}.${unit}.${outlet}`, String(outlet)),
  ];
  const relayState = (unit: number, outlet: number, on: boolean) =>
    int(`${OUTLET_MEASUREMENT.state}.${unit}.${outlet}.${ON_OFF}`, sensorState(on));

  let watch: TrapWatch | undefined;
  const wrapped: TrappingModel = Object.create(model);
  wrapped.sendTrapsTo = (target) => {
    current?.close();
    watch?.stop();
    current = target && createTrapSender(target);
    // What changes by itself (a load past a threshold, an overload trip, a door) is watched for.
    watch = target
      ? watchForTraps(model, (n, unit, outlet) =>
          sender.send(n, outlet === undefined ? unitVarbinds(unit) : outletVarbinds(unit, outlet)),
        )
      : undefined;
  };
  wrapped.switchOutlet = (unit, outlet, op, timeMs) => {
    const was = model.isOn(unit, outlet, timeMs);
    model.switchOutlet(unit, outlet, op, timeMs);
    const operation = op === 'off' ? 0 : op === 'on' ? 1 : 2;
    sender.send(23, [
      ...outletVarbinds(unit, outlet),
      relayState(unit, outlet, model.isOn(unit, outlet, timeMs)),
      int(`${OUTLET_SWITCH.operation}.${unit}.${outlet}`, operation),
    ]);
    // Each moment the relay really changes from now on (the PDU's delay, a cycle's off-period).
    let state = was;
    for (const e of model.state.switchEvents(unit, outlet)) {
      if (e.time < timeMs || e.on === state) continue;
      state = e.on;
      const on = e.on;
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          sender.send(63, [...outletVarbinds(unit, outlet), relayState(unit, outlet, on)]);
        },
        Math.max(0, e.time - Date.now()),
      );
      timer.unref();
      timers.add(timer);
    }
  };
  // overCurrentProtectorSensorStateChange (traps.65): the protector's trip sensor opened or closed.
  const breakerTrap = (unit: number) => sender.send(65, unitVarbinds(unit));
  wrapped.tripBreaker = (unit, breaker, timeMs) => {
    model.tripBreaker(unit, breaker, timeMs);
    breakerTrap(unit);
  };
  wrapped.resetBreaker = (unit, breaker, timeMs) => {
    model.resetBreaker(unit, breaker, timeMs);
    breakerTrap(unit);
  };
  // externalSensorStateChange (traps.66): a door opened, a probe crossed a threshold.
  wrapped.setExternal = (unit, sensor, override) => {
    model.setExternal(unit, sensor, override);
    sender.send(66, unitVarbinds(unit));
  };
  wrapped.setPduName = (unit, name) => {
    model.setPduName(unit, name);
    sender.send(79, unitVarbinds(unit));
  };
  wrapped.stopTraps = () => {
    watch?.stop();
    watch = undefined;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    current?.close();
    current = undefined;
  };
  return wrapped;
}
