import { isStale } from '../facts/freshness.ts';
import type { Cards } from '../history/cards.ts';
import type { EnergyLine, EnergySeries, PowerLine, PowerSeries } from '../history/series.ts';
import type { LastPoll } from '../poller.ts';
import {
  type InletMetrics,
  type OutletReading,
  type OutletView,
  outletView,
  type PduReading,
} from '../readings.ts';
import type { AuthMode } from './auth.ts';
import { type HardwareJson, hardwareJson } from './bodies-hardware.ts';
import type { PduStatus } from './deps.ts';

/**
 * The JSON the API and the event stream send (documented in docs/http.md). Pure functions of the
 * pollers' state and the history's cards; the panel imports these types. Units as on MQTT
 * (docs/mqtt.md): W, VA, A, V, power factor 0..1, Hz, kWh; null = the PDU has no reading.
 */

/**
 * The outlet as MQTT has it, with its enabled thresholds, the protector that feeds it (its label) and its
 * rated current (outletRatedCurrent, A, null when the PDU does not say): the panel's load bar.
 */
export type OutletJson = OutletView & Pick<OutletReading, 'thresholds' | 'breaker' | 'rated_current'>;

export interface PollJson {
  time: number;
  duration_ms: number;
  requests: number;
  ok: boolean;
  error?: string;
}

/** A unit's status as the pollers know it; the inlet's totals are the published fields (null before a reading). */
export interface LiveJson extends InletMetrics, HardwareJson {
  id: string;
  source: string;
  unit: number | null;
  /** The display name: the configured `pdus[].name`, else the PDU's own (readings.ts displayName). */
  name: string;
  /** `host:port` the unit is read through, as configured (the panel names it while waiting). */
  address: string | null;
  model: string;
  serial: string;
  firmware: string;
  /** The poller's availability; null before the first poll has ended. */
  online: boolean | null;
  /** Online, but the last poll failed or the reading is old (bridge/facts/freshness.ts). */
  stale: boolean;
  /** Its poll interval, ms: the panel judges staleness between events with the same rule. */
  interval_ms: number;
  /** Time of the reading, ms (null: none yet). */
  time: number | null;
  last_poll: PollJson | null;
  outlets_on: number;
  outlets_total: number;
  outlets: OutletJson[];
  /** inletRatedCurrent, A (per line on a multi-pole inlet), null when the PDU does not say. */
  rated_current: number | null;
}

/** What the history derives for a unit (null fields while it has nothing for it yet). */
export interface CardsJson {
  id: string;
  today: { energy_kwh: number; peak: { power: number; time: number } | null } | null;
  month: { energy_kwh: number } | null;
  /** Total power over the last hour. */
  sparkline: { times: number[]; power: (number | null)[] } | null;
  /** Energy per outlet today and this month (outlets with any recorded). */
  outlet_energy: { outlet: number; today_kwh: number; month_kwh: number }[] | null;
  /** The first poll the history recorded, ms: charts of longer ranges say "collecting since". */
  since: number | null;
}

export type PduJson = LiveJson & CardsJson;

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
  /** While the history's past is being filled in (the demo's year): polls done and to do; else null. */
  backfill: { done: number; total: number } | null;
  pdus: PduJson[];
}

export function outletJson(o: OutletReading): OutletJson {
  return {
    ...outletView(o),
    thresholds: o.thresholds,
    breaker: o.breaker,
    rated_current: o.rated_current,
  };
}

/** Outlets in label order (the labels printed on the PDU, "1".."36"), numeric where they are numbers. */
export function byLabel(a: { label: string; outlet: number }, b: { label: string; outlet: number }): number {
  return a.label.localeCompare(b.label, 'en', { numeric: true }) || a.outlet - b.outlet;
}

export function pollJson(poll: LastPoll): PollJson {
  return {
    time: poll.time,
    duration_ms: Math.round(poll.durationMs * 10) / 10,
    requests: poll.requests,
    ok: poll.ok,
    ...(poll.error ? { error: poll.error } : {}),
  };
}

/** `identity`: where the pollers have no reading yet, what the history remembers of the unit. */
export function liveJson(
  s: PduStatus,
  now: number,
  identity?: Cards['pdu'] & { outletsTotal: number },
): LiveJson {
  const r: PduReading | undefined = s.reading;
  const poll = s.lastPoll;
  return {
    id: s.id,
    source: s.source,
    unit: r?.unit ?? null,
    name: r?.identity.name ?? (s.name || identity?.name || ''),
    address: s.address ?? null,
    model: r?.identity.model ?? identity?.model ?? '',
    serial: r?.identity.serial ?? identity?.serial ?? '',
    firmware: r?.identity.firmware ?? identity?.firmware ?? '',
    online: s.online ?? null,
    stale: isStale(
      { online: s.online, lastPollOk: poll?.ok, time: r?.time ?? null, intervalMs: s.intervalMs },
      now,
    ),
    interval_ms: s.intervalMs,
    time: r?.time ?? null,
    last_poll: poll ? pollJson(poll) : null,
    power: r?.inlet.power ?? null,
    apparent_power: r?.inlet.apparent_power ?? null,
    current: r?.inlet.current ?? null,
    voltage: r?.inlet.voltage ?? null,
    power_factor: r?.inlet.power_factor ?? null,
    frequency: r?.inlet.frequency ?? null,
    energy: r?.inlet.energy ?? null,
    outlets_on: r?.outlets_on ?? 0,
    outlets_total: r?.outlets.length ?? identity?.outletsTotal ?? 0,
    outlets: r ? r.outlets.map(outletJson).sort(byLabel) : [],
    rated_current: r?.inlet.rated_current ?? null,
    ...hardwareJson(r),
  };
}

export function cardsJson(id: string, cards: Cards | null): CardsJson {
  return {
    id,
    today: cards
      ? {
          energy_kwh: round(cards.energyTodayKwh, 3),
          peak: cards.peakToday ? { power: cards.peakToday.power, time: cards.peakToday.time } : null,
        }
      : null,
    month: cards ? { energy_kwh: round(cards.energyMonthKwh, 3) } : null,
    sparkline: cards ? cards.sparkline : null,
    outlet_energy: cards
      ? cards.outletEnergy.map((o) => ({
          outlet: o.outlet,
          today_kwh: round(o.todayKwh, 3),
          month_kwh: round(o.monthKwh, 3),
        }))
      : null,
    since: cards?.pdu.firstTime ?? null,
  };
}

export function pduJson(s: PduStatus, cards: Cards | null, now: number): PduJson {
  const identity = cards ? { ...cards.pdu, outletsTotal: cards.outletsTotal } : undefined;
  return { ...liveJson(s, now, identity), ...cardsJson(s.id, cards) };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * The series as the API sends them: the history's own, with the API's snake_case names (as every
 * other payload and MQTT): `step_ms`, per line `energy_kwh` (power) or `total_kwh` (energy).
 */
type SeriesJsonBase = Omit<PowerSeries, 'stepMs' | 'lines'> & { step_ms: number };
export type PowerLineJson = Omit<PowerLine, 'energyKwh'> & { energy_kwh: number };
export type EnergyLineJson = Omit<EnergyLine, 'totalKwh'> & { total_kwh: number };
export type PowerSeriesJson = SeriesJsonBase & { lines: PowerLineJson[] };
export type EnergySeriesJson = SeriesJsonBase & { lines: EnergyLineJson[]; total_kwh: number };

export function powerSeriesJson({ stepMs, lines, ...rest }: PowerSeries): PowerSeriesJson {
  return {
    ...rest,
    step_ms: stepMs,
    lines: lines.map(({ energyKwh, ...l }) => ({ ...l, energy_kwh: energyKwh })),
  };
}

export function energySeriesJson({ stepMs, lines, totalKwh, ...rest }: EnergySeries): EnergySeriesJson {
  return {
    ...rest,
    step_ms: stepMs,
    total_kwh: totalKwh,
    lines: lines.map(({ totalKwh: t, ...l }) => ({ ...l, total_kwh: t })),
  };
}
