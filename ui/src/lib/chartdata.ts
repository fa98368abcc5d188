import type { ChartDataset, ChartOptions, Scale, TooltipItem } from 'chart.js';
import type { EnergySeries, PowerSeries } from './api.ts';
import { themeColors } from './charts.ts';
import { axisLabel, fullTime, num, tickKwh, tickW } from './format.ts';
import { group, type LegendItem } from './lines.ts';
import { timeTicks } from './ticks.ts';

/** Pure builders of the two charts' datasets and options from the API's series and the legend. */

export type XY = { x: number; y: number | null };

/**
 * Both charts' y axes take the same width, so their plot areas line up and a time in one is above the
 * same time in the other, whatever the numbers' widths ("6,000" W against "6" kWh).
 */
const Y_AXIS_PX = 64;
const fixWidth = (scale: Scale) => {
  scale.width = Y_AXIS_PX;
};
const tickStep = (ticks: { value: number }[]) =>
  ticks.length > 1 ? Math.abs((ticks[1]?.value ?? 0) - (ticks[0]?.value ?? 0)) : 1;
/** Room on the right for the last x label's overhang in both charts, so neither plot is narrower. */
const layout = { padding: { right: 18 } };

/** Per outlet, the legend's lines (top outlets and "others") stacked: the stack's top is the total. */
export function powerDatasets(
  s: PowerSeries,
  items: readonly LegendItem[] | null,
  hidden: ReadonlySet<number>,
): ChartDataset<'line', XY[]>[] {
  const xy = (values: readonly (number | null)[]) => values.map((y, j) => ({ x: s.times[j] ?? 0, y }));
  // A point with no neighbours (the first minutes of a fresh install, a reading between two gaps) is
  // drawn as a dot: a line needs two points, and a chart that looks empty while it has data misleads.
  const dots = (values: readonly (number | null)[]) =>
    values.map((v, j) =>
      v !== null && (values[j - 1] ?? null) === null && (values[j + 1] ?? null) === null ? 3 : 0,
    );
  if (!items) {
    const accent = themeColors().accent;
    return s.lines.map((l) => ({
      label: 'Total',
      data: xy(l.avg),
      borderColor: accent,
      backgroundColor: `color-mix(in srgb, ${accent} 18%, transparent)`,
      fill: 'origin',
      borderWidth: 2,
      pointRadius: dots(l.avg),
      pointBackgroundColor: accent,
      pointHitRadius: 4,
      tension: 0.2,
      spanGaps: false,
    }));
  }
  const values = group(
    items,
    s.lines.map((l) => ({ outlet: l.outlet, values: l.avg })),
    s.times.length,
  );
  return items.map((it, i) => ({
    label: it.name,
    data: xy(values[i] ?? []),
    borderColor: it.color,
    backgroundColor: `color-mix(in srgb, ${it.color} 55%, transparent)`,
    fill: i === 0 ? 'origin' : '-1',
    borderWidth: 1,
    pointRadius: dots(values[i] ?? []),
    pointBackgroundColor: it.color,
    pointHitRadius: 4,
    tension: 0.2,
    spanGaps: false,
    hidden: hidden.has(it.outlet),
  }));
}

export function energyDatasets(
  s: EnergySeries,
  items: readonly LegendItem[] | null,
  hidden: ReadonlySet<number>,
): ChartDataset<'bar', (number | null)[]>[] {
  if (!items)
    return s.lines.map((l) => ({
      label: 'Total',
      data: l.kwh,
      backgroundColor: themeColors().accent,
      borderWidth: 0,
    }));
  const values = group(
    items,
    s.lines.map((l) => ({ outlet: l.outlet, values: l.kwh })),
    s.times.length,
  );
  return items.map((it, i) => ({
    label: it.name,
    data: values[i] ?? [],
    backgroundColor: it.color,
    borderWidth: 0,
    hidden: hidden.has(it.outlet),
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
      // Largest first, as the legend; a stack's parts read top to bottom.
      itemSort: (a: TooltipItem<T>, b: TooltipItem<T>) => (yOf(b) ?? -1) - (yOf(a) ?? -1),
      filter: (item: TooltipItem<T>) => yOf(item) !== null,
      callbacks: {
        title,
        label: (item: TooltipItem<T>) =>
          ` ${(item.dataset as { label?: string }).label ?? ''}: ${num(yOf(item), digits)} ${unit}`,
        footer: (items: TooltipItem<T>[]) => {
          if (items.length < 2) return '';
          const sum = items.reduce((n, i) => n + (yOf(i) ?? 0), 0);
          return `Together: ${num(sum, digits)} ${unit}`;
        },
      },
    },
  };
}

/** The range a line chart's x axis spans: its points' times and the range asked for. */
interface TimeRange {
  times: readonly number[];
  from: number;
  to: number;
  step_ms: number;
}

/**
 * A line chart's time axis (the power chart's and the hardware charts'): ticks on round local times
 * (every 3 h, every day…) instead of Chart.js' round numbers of ms, about one per 60 px so that a
 * phone still gets four, labelled by the span and the step of the points.
 */
export function timeAxis(d: TimeRange) {
  const c = themeColors();
  const span = d.to - d.from;
  return {
    type: 'linear' as const,
    min: d.times[0] ?? d.from,
    max: d.to,
    grid: { color: c.grid },
    ticks: {
      color: c.text,
      maxRotation: 0,
      autoSkipPadding: 12,
      callback: (v: number | string) => axisLabel(Number(v), span, d.step_ms),
    },
    afterBuildTicks: (axis: Scale) => {
      axis.ticks = timeTicks(axis.min, axis.max, Math.max(4, Math.floor(axis.width / 60))).map((value) => ({
        value,
      }));
    },
  };
}

export function powerOptions(s: PowerSeries, stacked: boolean): ChartOptions<'line'> {
  const c = themeColors();
  return {
    animation: false,
    maintainAspectRatio: false,
    layout,
    parsing: false,
    normalized: true,
    interaction: { mode: 'index', intersect: false },
    scales: {
      x: timeAxis(s),
      y: {
        stacked,
        beginAtZero: true,
        grid: { color: c.grid },
        // The unit on every tick, not in an axis title that takes room from a phone's plot.
        ticks: {
          color: c.text,
          callback: (v, _i, ticks) => tickW(Number(v), tickStep(ticks), ticks.at(-1)?.value),
        },
        afterFit: fixWidth,
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
    layout,
    interaction: { mode: 'index', intersect: false },
    scales: {
      x: { stacked, grid: { display: false }, ticks: { color: c.text, maxRotation: 0, autoSkipPadding: 12 } },
      y: {
        stacked,
        beginAtZero: true,
        grid: { color: c.grid },
        ticks: { color: c.text, callback: (v, _i, ticks) => tickKwh(Number(v), tickStep(ticks)) },
        afterFit: fixWidth,
      },
    },
    plugins: tooltip<'bar'>('kWh', 3, (items) => {
      const t = s.times[items[0]?.dataIndex ?? 0];
      return t === undefined ? '' : fullTime(t);
    }),
  };
}

export const energyLabels = (s: EnergySeries) => s.times.map((t) => axisLabel(t, s.to - s.from, s.step_ms));

export const pointCount = (lines: { avg?: (number | null)[]; kwh?: (number | null)[] }[]) =>
  lines.reduce((n, l) => n + (l.avg ?? l.kwh ?? []).filter((v) => v !== null).length, 0);
