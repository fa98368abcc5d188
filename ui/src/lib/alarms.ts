import { severity } from '../../../bridge/facts/alarms.ts';
import type { Alarms, FieldThresholds, Thresholds } from '../../../bridge/readings.ts';
import { num } from './format.ts';

/**
 * How the panel words and ranks the PDU's own alarm states (`alarms` of every payload, docs/http.md).
 * Whether a state is a warning or critical is the bridge's rule (bridge/facts/alarms.ts `severity`);
 * this only says it in words, so no card tells a state by colour alone.
 */

export type Severity = 'warning' | 'critical';
export type { Alarms, FieldThresholds, Thresholds };

/** The worst severity among the alarms, or null when there are none. */
export function worst(alarms: Alarms | undefined): Severity | null {
  let out: Severity | null = null;
  for (const state of Object.values(alarms ?? {})) {
    if (severity(state) === 'critical') return 'critical';
    out = 'warning';
  }
  return out;
}

/** The worst severity of several payloads (a card's breakers or sensors), or null when none is in alarm. */
export function worstOf(all: readonly (Alarms | undefined)[]): Severity | null {
  const levels = all.map(worst);
  return levels.includes('critical') ? 'critical' : levels.includes('warning') ? 'warning' : null;
}

/** A PDU state as words: "above_upper_warning" → "above upper warning". */
export const words = (state: string) => state.replaceAll('_', ' ');

/** A field as words: "lines.L2.current" → "L2 current", "value" → "" (the sensor's own reading). */
const fieldWords = (field: string) =>
  field
    .split('.')
    .filter((p) => p !== 'lines' && p !== 'value' && p !== 'state')
    .join(' ')
    .replaceAll('_', ' ');

/** Every alarm of one payload in words: "current above upper warning; L2 voltage below lower critical". */
export function alarmText(alarms: Alarms | undefined): string {
  return Object.entries(alarms ?? {})
    .map(([field, state]) => [fieldWords(field), words(state)].filter(Boolean).join(' '))
    .join('; ');
}

/** Where a load bar's marks go: the enabled upper thresholds of one field, or nulls. */
export function upperMarks(t: Thresholds | undefined): { warning: number | null; critical: number | null } {
  return { warning: t?.upper_warning ?? null, critical: t?.upper_critical ?? null };
}

/**
 * The full scale of a load bar: the nameplate rating where the PDU says it, else a quarter beyond the
 * highest enabled threshold (so its mark sits at 80 %); null (no bar) with neither.
 */
export function barScale(rated: number | null | undefined, t: Thresholds | undefined): number | null {
  if (rated && rated > 0) return rated;
  const top = t?.upper_critical ?? t?.upper_warning;
  return top && top > 0 ? top * 1.25 : null;
}

/** "warning above 6.5 A · critical above 8.0 A": the enabled upper thresholds, for a bar's tooltip. */
export function marksText(t: Thresholds | undefined, unit: string, digits = 1): string {
  const parts: string[] = [];
  if (t?.upper_warning !== undefined) parts.push(`warning above ${num(t.upper_warning, digits)} ${unit}`);
  if (t?.upper_critical !== undefined) parts.push(`critical above ${num(t.upper_critical, digits)} ${unit}`);
  return parts.join(' · ');
}
