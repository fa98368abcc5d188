import type { Cards } from '../history/cards.ts';
import {
  type InletReading,
  type OutletReading,
  type OutletView,
  outletView,
  type PduReading,
} from '../readings.ts';
import type { AuthMode } from './auth.ts';
import type { PduStatus } from './types.ts';

/**
 * The JSON the API and the event stream send (documented in README.md). Pure functions of the
 * pollers' state and the history's cards; the panel imports these types. Units as on MQTT
 * (DESIGN.md section 3): W, VA, A, V, power factor 0..1, Hz, kWh; null = the PDU has no reading.
 */

export type OutletJson = OutletView;

export interface PollJson {
  time: number;
  duration_ms: number;
  requests: number;
  ok: boolean;
  error?: string;
}

/** A unit's status; the inlet's totals are the reading model's fields (null before a reading). */
export interface PduJson extends InletReading {
  id: string;
  source: string;
  unit: number | null;
  name: string;
  model: string;
  serial: string;
  firmware: string;
  /** null before the first poll has ended. */
  online: boolean | null;
  /** Online, but the last poll failed or the reading is older than `staleAfterMs`. */
  stale: boolean;
  /** Time of the reading, ms (null: none yet). */
  time: number | null;
  last_poll: PollJson | null;
  outlets_on: number;
  outlets_total: number;
  outlets: OutletJson[];
  /** From the history; null when it has nothing for this unit yet. */
  today: { energy_kwh: number; peak: { power: number; time: number } | null } | null;
  month: { energy_kwh: number } | null;
  /** Total power over the last hour. */
  sparkline: { times: number[]; power: (number | null)[] } | null;
}

export interface CurrentStatusJson {
  time: number;
  demo: boolean;
  /**
   * Which credentials writes from other machines want ('local': none exist, only the bridge's own
   * machine may write). Writes from the bridge's machine need none unless credentials are configured.
   */
  auth: AuthMode;
  /** The file on the bridge's machine that holds the generated token, or null (docs/security.md). */
  token_file: string | null;
  pdus: PduJson[];
}

/** A reading older than this is stale whatever the poller says (several missed 60-s polls). */
export const STALE_AFTER_MS = 5 * 60_000;

export const outletJson: (o: OutletReading) => OutletJson = outletView;

/** Outlets in label order (the labels printed on the PDU, "1".."36"), numeric where they are numbers. */
export function byLabel(a: { label: string; outlet: number }, b: { label: string; outlet: number }): number {
  return a.label.localeCompare(b.label, 'en', { numeric: true }) || a.outlet - b.outlet;
}

export function pduJson(s: PduStatus, cards: Cards | null, now: number): PduJson {
  const r: PduReading | undefined = s.reading;
  const poll = s.lastPoll;
  const stale =
    s.online === true &&
    ((poll !== undefined && !poll.ok) || (r !== undefined && now - r.time > STALE_AFTER_MS));
  return {
    id: s.id,
    source: s.source,
    unit: r?.unit ?? null,
    name: r?.identity.name ?? cards?.pdu.name ?? '',
    model: r?.identity.model ?? cards?.pdu.model ?? '',
    serial: r?.identity.serial ?? cards?.pdu.serial ?? '',
    firmware: r?.identity.firmware ?? cards?.pdu.firmware ?? '',
    online: s.online ?? null,
    stale,
    time: r?.time ?? null,
    last_poll: poll
      ? {
          time: poll.time,
          duration_ms: Math.round(poll.durationMs * 10) / 10,
          requests: poll.requests,
          ok: poll.ok,
          ...(poll.error ? { error: poll.error } : {}),
        }
      : null,
    power: r?.inlet.power ?? null,
    apparent_power: r?.inlet.apparent_power ?? null,
    current: r?.inlet.current ?? null,
    voltage: r?.inlet.voltage ?? null,
    power_factor: r?.inlet.power_factor ?? null,
    frequency: r?.inlet.frequency ?? null,
    energy: r?.inlet.energy ?? null,
    outlets_on: r?.outlets_on ?? 0,
    outlets_total: r?.outlets.length ?? cards?.outletsTotal ?? 0,
    outlets: r ? r.outlets.map(outletJson).sort(byLabel) : [],
    today: cards
      ? {
          energy_kwh: round(cards.energyTodayKwh, 3),
          peak: cards.peakToday ? { power: cards.peakToday.power, time: cards.peakToday.time } : null,
        }
      : null,
    month: cards ? { energy_kwh: round(cards.energyMonthKwh, 3) } : null,
    sparkline: cards ? cards.sparkline : null,
  };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
