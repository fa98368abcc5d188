import {
  type InletMetrics,
  type OutletReading,
  type OutletView,
  outletView,
  type PduIdentity,
  type PduReading,
} from '../readings.ts';
import { type PduHardwareFields, pduHardwareFields } from './payloads-hardware.ts';

/**
 * The JSON state payloads of docs/mqtt.md, field for field, in SI units. `null` means the PDU
 * has no reading (never zero): HA renders it as unknown, Node-RED sees a JSON null.
 */

/** The outlet topic: the shared outlet view without `outlet`, which the topic already names. */
export type OutletPayload = Omit<OutletView, 'outlet'>;

/**
 * The PDU topic: its identity, the inlet's totals (the reading model's fields), outlets on, and its
 * lines, unbalanced current and alarms (payloads-hardware.ts).
 */
export interface PduPayload extends PduIdentity, InletMetrics, PduHardwareFields {
  outlets_on: number;
}

export interface DiagnosticsPayload {
  /** Wall time of the last poll, ms. */
  last_poll_duration: number;
  /** SNMP requests of the last poll. */
  requests: number;
  /** Time of the last poll, ISO 8601. */
  last_poll: string;
}

export function outletPayload(o: OutletReading): OutletPayload {
  const { outlet: _, ...payload } = outletView(o);
  return payload;
}

export function pduPayload(r: PduReading): PduPayload {
  return {
    name: r.identity.name,
    model: r.identity.model,
    serial: r.identity.serial,
    firmware: r.identity.firmware,
    power: r.inlet.power,
    apparent_power: r.inlet.apparent_power,
    current: r.inlet.current,
    voltage: r.inlet.voltage,
    power_factor: r.inlet.power_factor,
    frequency: r.inlet.frequency,
    energy: r.inlet.energy,
    outlets_on: r.outlets_on,
    ...pduHardwareFields(r),
  };
}

export function diagnosticsPayload(
  time: number,
  meta: { durationMs: number; requests: number },
): DiagnosticsPayload {
  return {
    last_poll_duration: Math.round(meta.durationMs),
    requests: meta.requests,
    last_poll: new Date(time).toISOString(),
  };
}
