/**
 * The one typed reading model. Everything downstream (MQTT, history, HTTP, panel) consumes these
 * shapes and nothing else from SNMP. Units are SI as published on MQTT (DESIGN.md section 3):
 * W, VA, A, V, power factor 0..1, Hz, kWh. `null` always means "the PDU has no reading", never zero.
 */

export type OnOff = 'on' | 'off';

/** The measurements an outlet and an inlet share. */
export interface Metrics {
  /** Active power, W. */
  power: number | null;
  /** Apparent power, VA. */
  apparent_power: number | null;
  /** RMS current, A. */
  current: number | null;
  /** RMS voltage, V (line-to-neutral on outlets, line-to-line on 3-phase inlets). */
  voltage: number | null;
  /** Power factor, 0..1. */
  power_factor: number | null;
  /**
   * Active energy, kWh. Monotonic across counter wraps and resets once it has been through the
   * energy tracker (see snmp/energy.ts); straight from the PDU's counter in a single decode.
   */
  energy: number | null;
}

export interface OutletReading extends Metrics {
  /** 1-based outlet number (outletId). */
  outlet: number;
  /** outletLabel, read-only, printed on the PDU ("1".."36"). */
  label: string;
  /** outletName, user-defined, '' when unset. */
  name: string;
  state: OnOff | null;
  /** The PDU's raw activeEnergy counter, Wh (Unsigned32), or null. Kept for the history's energy maths. */
  energy_counter: number | null;
  /**
   * outletSwitchable: the PDU says this outlet can be switched. Absent or false: no switch entity, and
   * every switch command for it is refused (bridge/commands.ts, docs/commands.md). Not published.
   */
  switchable?: boolean;
}

export interface InletReading extends Metrics {
  /** Line frequency, Hz. */
  frequency: number | null;
}

export interface PduIdentity {
  /** pduName, or '' when the PDU has none (walks often lack it). */
  name: string;
  model: string;
  serial: string;
  firmware: string;
}

/**
 * One physical PDU unit at one moment. A daisy-chained host yields one of these per linked unit:
 * unit 1 keeps the configured id, unit n > 1 is `<id>-<n>`, so each has its own topics and HA device.
 */
export interface PduReading {
  /** Topic id: the configured PDU id, or `<id>-<unit>` for linked units. */
  id: string;
  /** The configured PDU id this unit was read through. */
  source: string;
  /** pduId in PDU2-MIB: 1 without daisy-chaining. */
  unit: number;
  /** Time of the poll, ms since the epoch. */
  time: number;
  identity: PduIdentity;
  /** Inlet totals (inlet 1; PX units have one inlet, multi-inlet units sum into inlet 1's place). */
  inlet: InletReading;
  outlets: OutletReading[];
  /** Outlets whose state is 'on'. */
  outlets_on: number;
}

/** What a poll of one configured PDU produced. */
export type PollResult =
  | {
      ok: true;
      source: string;
      time: number;
      units: PduReading[];
      /** Wall time of the poll, ms. */
      durationMs: number;
      /** SNMP requests sent (retries and tooBig splits included). */
      requests: number;
    }
  | { ok: false; source: string; time: number; error: string; durationMs: number; requests: number };

export function unitId(source: string, unit: number): string {
  return unit === 1 ? source : `${source}-${unit}`;
}

/** An outlet as every consumer shows it (MQTT, HTTP, `probe --json`): the reading without internals. */
export type OutletView = Omit<OutletReading, 'energy_counter' | 'switchable'>;

export function outletView(o: OutletReading): OutletView {
  return {
    outlet: o.outlet,
    label: o.label,
    name: o.name,
    state: o.state,
    power: o.power,
    apparent_power: o.apparent_power,
    current: o.current,
    voltage: o.voltage,
    power_factor: o.power_factor,
    energy: o.energy,
  };
}
