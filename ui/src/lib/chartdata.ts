import type { ChartDataset, ChartOptions, TooltipItem } from 'chart.js';
import type { EnergySeries, PowerSeries } from './api.ts';
import { lineColor, themeColors } from './charts.ts';
import { axisLabel, fullTime, num } from './format.ts';

/** Pure builders of the two charts' datasets and options from the API's series. */

type Theme = 'dark' | 'light';
export type XY = { x: number; y: number | null };

export const lineName = (l: { outlet: number; label: string; name: string }) =>
  l.outlet === 0 ? 'Total' : l.name ? `${l.label} · ${l.name}` : `Outlet ${l.label}`;

/** A line's color by its place in the series (top consumers first): the chart and the legend share it. */
export const lineColorOf = (outlet: number, i: number, theme: Theme) =>
  outlet === 0 ? themeColors().accent : lineColor(i, theme);

export interface LegendItem {
  outlet: number;
  name: string;
  color: string;
}

/** The HTML legend's entries, in the series' order (top consumers first), one per line. */
export const legendItems = (lines: { outlet: number; label: string; name: string }[], theme: Theme) =>
  lines.map(
    (l, i): LegendItem => ({ outlet: l.outlet, name: lineName(l), color: lineColorOf(l.outlet, i, theme) }),
  );

export function powerDatasets(
  s: PowerSeries,
  theme: Theme,
  hidden: Set<number>,
): ChartDataset<'line', XY[]>[] {
  return s.lines.map((l, i) => {
    const color = lineColorOf(l.outlet, i, theme);
    return {
      label: lineName(l),
      data: l.avg.map((y, j) => ({ x: s.times[j] ?? 0, y })),
      borderColor: color,
      backgroundColor: l.outlet === 0 ? `color-mix(in srgb, ${color} 18%, transparent)` : color,
      fill: l.outlet === 0 ? 'origin' : false,
      borderWidth: l.outlet === 0 ? 2 : 1.25,
      pointRadius: 0,
      pointHitRadius: 4,
      tension: 0.2,
      spanGaps: false,
      hidden: hidden.has(l.outlet),
    };
  });
}

export function energyDatasets(
  s: EnergySeries,
  theme: Theme,
  hidden: Set<number>,
): ChartDataset<'bar', (number | null)[]>[] {
  return s.lines.map((l, i) => ({
    label: lineName(l),
    data: l.kwh,
    backgroundColor: lineColorOf(l.outlet, i, theme),
    borderWidth: 0,
    hidden: hidden.has(l.outlet),
    stack: 'energy',
  }));
}

/** Chart.js types `parsed` per chart type; both of ours have a numeric y. */
const yOf = (item: { parsed: unknown }): number | null => (item.parsed as { y?: number | null }).y ?? null;

/** The legend is HTML (ChartLegend.svelte: buttons a keyboard reaches), so only the tooltip is Chart.js'. */
function tooltip<T extends 'line' | 'bar'>(
  unit: string,
  digits: number,
  title: (items: TooltipItem<T>[]) => string,
) {
  return {
    tooltip: {
      mode: 'index' as const,
      intersect: false,
      // 36 lines do not fit a tooltip: the dozen largest at that moment, largest first.
      itemSort: (a: TooltipItem<T>, b: TooltipItem<T>) => (yOf(b) ?? -1) - (yOf(a) ?? -1),
      filter: (item: TooltipItem<T>, _i: number, all: TooltipItem<T>[]) => {
        const y = yOf(item);
        const sorted = all.map((x) => yOf(x) ?? -1).sort((a, b) => b - a);
        return y !== null && y >= (sorted[Math.min(11, sorted.length - 1)] ?? -1);
      },
      callbacks: {
        title,
        label: (item: TooltipItem<T>) =>
          ` ${(item.dataset as { label?: string }).label ?? ''}: ${num(yOf(item), digits)} ${unit}`,
      },
    },
  };
}

export function powerOptions(s: PowerSeries): ChartOptions<'line'> {
  const c = themeColors();
  const span = s.to - s.from;
  return {
    animation: false,
    maintainAspectRatio: false,
    parsing: false,
    normalized: true,
    interaction: { mode: 'index', intersect: false },
    scales: {
      x: {
        type: 'linear',
        min: s.times[0] ?? s.from,
        max: s.to,
        grid: { color: c.grid },
        ticks: {
          color: c.text,
          maxRotation: 0,
          autoSkipPadding: 16,
          callback: (v) => axisLabel(Number(v), span, s.stepMs),
        },
        // Ticks on round local times (every 3 h, every day…) instead of Chart.js' round numbers of ms.
        afterBuildTicks: (axis) => {
          axis.ticks = timeTicks(axis.min, axis.max, Math.max(2, Math.floor(axis.width / 90))).map(
            (value) => ({ value }),
          );
        },
      },
      y: {
        beginAtZero: true,
        grid: { color: c.grid },
        ticks: { color: c.text },
        title: { display: true, text: 'W', color: c.text },
      },
    },
    plugins: tooltip<'line'>('W', 0, (items) =>
      items[0] ? fullTime((items[0].parsed as { x?: number }).x ?? 0) : '',
    ),
  };
}

export function energyOptions(s: EnergySeries, stacked: boolean): ChartOptions<'bar'> {
  const c = themeColors();
  return {
    animation: false,
    maintainAspectRatio: false,
    interaction: { mode: 'index', intersect: false },
    scales: {
      x: { stacked, grid: { display: false }, ticks: { color: c.text, maxRotation: 0, autoSkipPadding: 12 } },
      y: {
        stacked,
        beginAtZero: true,
        grid: { color: c.grid },
        ticks: { color: c.text },
        title: { display: true, text: 'kWh', color: c.text },
      },
    },
    plugins: tooltip<'bar'>('kWh', 3, (items) => {
      const t = s.times[items[0]?.dataIndex ?? 0];
      return t === undefined ? '' : fullTime(t);
    }),
  };
}

export const energyLabels = (s: EnergySeries) => s.times.map((t) => axisLabel(t, s.to - s.from, s.stepMs));

export const pointCount = (lines: { avg?: (number | null)[]; kwh?: (number | null)[] }[]) =>
  lines.reduce((n, l) => n + (l.avg ?? l.kwh ?? []).filter((v) => v !== null).length, 0);

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const STEPS = [
  5 * MIN,
  15 * MIN,
  30 * MIN,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
];

/** Tick times at a round step in local time; months for spans beyond a few months. */
export function timeTicks(min: number, max: number, count: number): number[] {
  const span = max - min;
  const step = STEPS.find((s) => span / s <= count);
  const out: number[] = [];
  if (step === undefined) {
    const months = Math.max(1, Math.ceil(span / (30 * DAY) / count));
    const d = new Date(min);
    d.setDate(1);
    d.setHours(0, 0, 0, 0);
    for (d.setMonth(d.getMonth() + 1); d.getTime() <= max; d.setMonth(d.getMonth() + months))
      out.push(d.getTime());
    return out;
  }
  const offset = new Date(min).getTimezoneOffset() * MIN;
  let t = Math.ceil((min - offset) / step) * step + offset;
  if (step >= DAY) {
    const d = new Date(min);
    d.setHours(24, 0, 0, 0);
    t = d.getTime();
  }
  for (; t <= max; t += step) out.push(t);
  return out;
}
