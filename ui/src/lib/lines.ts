import { outletName } from './names.ts';

/**
 * The per-outlet view as Grafana's "top N + other" or Home Assistant's energy panel shows many
 * consumers: the few outlets that used the most energy in the range, each in its own distinct color,
 * and the rest summed into one grey "others" line. Both charts and the one legend use the same ranking
 * (from the energy over the range), so an outlet has one color and one place everywhere
 * (docs/panel.md). Pure.
 */

export const TOP = 8;
/** The line of the outlets outside the top: not an outlet number the PDU can have. */
export const OTHERS = -1;

export interface RankedLine {
  outlet: number;
  label: string;
  name: string;
}

export interface LegendItem {
  outlet: number;
  name: string;
  color: string;
  /** The outlets summed into this line (more than one for "others"). */
  count: number;
}

/** Outlets by energy over the range, most first; ties by outlet number. */
export function rank(lines: readonly (RankedLine & { energy_kwh?: number; total_kwh?: number })[]): number[] {
  return lines
    .filter((l) => l.outlet > 0)
    .map((l) => ({ outlet: l.outlet, e: l.total_kwh ?? l.energy_kwh ?? 0 }))
    .sort((a, b) => b.e - a.e || a.outlet - b.outlet)
    .map((x) => x.outlet);
}

/**
 * Eight colors a viewer tells apart at a glance, also with the common color-vision deficiencies
 * (Okabe-Ito, with a blue and a pink for eight), in a light and a dark variant.
 */
const PALETTE = {
  dark: ['#56b4e9', '#e69f00', '#009e73', '#f0e442', '#cc79a7', '#d55e00', '#8fa8ff', '#b7e07a'],
  light: ['#0072b2', '#c77c00', '#007a5a', '#9a8a00', '#b3478c', '#c24e00', '#4b5fd1', '#5c8a1e'],
};
const GREY = { dark: '#7d8794', light: '#8a94a0' };

export function colorOf(place: number, theme: 'dark' | 'light'): string {
  return place < 0 ? GREY[theme] : (PALETTE[theme][place % PALETTE[theme].length] ?? GREY[theme]);
}

/** The lines shown for a ranking: the top outlets in ranking order, then "others" when there are more. */
export function legendItems(
  ranking: readonly number[],
  meta: ReadonlyMap<number, RankedLine>,
  theme: 'dark' | 'light',
  top = TOP,
): LegendItem[] {
  const keep = ranking.length > top + 1 ? ranking.slice(0, top) : ranking;
  const items = keep.map((outlet, i) => {
    const m = meta.get(outlet) ?? { outlet, label: String(outlet), name: '' };
    return { outlet, name: outletName(m), color: colorOf(i, theme), count: 1 };
  });
  const rest = ranking.length - keep.length;
  if (rest > 0)
    items.push({ outlet: OTHERS, name: `${rest} other outlets`, color: colorOf(-1, theme), count: rest });
  return items;
}

/**
 * Per-outlet values regrouped as the legend has them: one array per legend item, "others" the sum of
 * the outlets not in the top (null where none of them has a value: a gap, never a zero).
 */
export function group(
  items: readonly LegendItem[],
  lines: readonly { outlet: number; values: readonly (number | null)[] }[],
  length: number,
): (number | null)[][] {
  const byOutlet = new Map(lines.map((l) => [l.outlet, l.values]));
  const shown = new Set(items.map((i) => i.outlet));
  return items.map((item) => {
    if (item.outlet !== OTHERS)
      return Array.from({ length }, (_, j) => byOutlet.get(item.outlet)?.[j] ?? null);
    const sum: (number | null)[] = new Array(length).fill(null);
    for (const l of lines) {
      if (shown.has(l.outlet) || l.outlet <= 0) continue;
      for (let j = 0; j < length; j++) {
        const v = l.values[j];
        if (v !== null && v !== undefined) sum[j] = (sum[j] ?? 0) + v;
      }
    }
    return sum;
  });
}
