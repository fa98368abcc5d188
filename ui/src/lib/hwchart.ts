import type { ChartDataset, ChartOptions } from 'chart.js';
import type { SensorData } from './api.ts';
import { timeAxis } from './chartdata.ts';
import { themeColors } from './charts.ts';
import { decimalsFor, fullTime, num } from './format.ts';
import { colorOf } from './lines.ts';

/**
 * Pure builders of the hardware chart (HardwareChart.svelte): one line per series of the chosen field
 * (each temperature probe; L1, L2, L3 and N), each in its own color, the y axis in the series' unit.
 */

type Series = SensorData['series'][number];
export type XY = { x: number; y: number | null };

/** What a field is called on the chart's buttons and title. */
export const FIELD_WORDS: Record<string, string> = {
  temperature: 'Temperature',
  humidity: 'Humidity',
  current: 'Current',
  voltage: 'Voltage L-L',
  voltage_ln: 'Voltage L-N',
  power: 'Power',
  air_pressure: 'Air pressure',
  air_flow: 'Air flow',
};
export const fieldWords = (f: string) =>
  FIELD_WORDS[f] ?? f.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());

/** Decimals a value of `unit` is shown with (a probe in tenths of a degree, a line current in hundredths). */
export const digitsOf = (unit: string) => (unit === '°C' || unit === '°F' ? 1 : unit === 'A' ? 2 : 0);

/** A series' legend name: the sensor's name, else its key (L1, a protector's label). */
export const seriesName = (s: Series) => s.name || s.key;

export function hardwareDatasets(d: SensorData, shown: readonly Series[], theme: 'dark' | 'light') {
  return shown.map((s, i): ChartDataset<'line', XY[]> => {
    const color = colorOf(i, theme);
    const data = s.avg.map((y, j) => ({ x: d.times[j] ?? 0, y }));
    return {
      label: seriesName(s),
      data,
      borderColor: color,
      backgroundColor: color,
      borderWidth: 2,
      // A lone point (the first poll of a fresh install) as a dot: a line needs two.
      pointRadius: s.avg.map((v, j) =>
        v !== null && (s.avg[j - 1] ?? null) === null && (s.avg[j + 1] ?? null) === null ? 3 : 0,
      ),
      pointHitRadius: 4,
      tension: 0.2,
      spanGaps: false,
    };
  });
}

export function hardwareOptions(d: SensorData, unit: string, fromZero: boolean): ChartOptions<'line'> {
  const c = themeColors();
  const digits = digitsOf(unit);
  return {
    animation: false,
    maintainAspectRatio: false,
    layout: { padding: { right: 18 } },
    parsing: false,
    normalized: true,
    interaction: { mode: 'index', intersect: false },
    scales: {
      x: timeAxis(d),
      y: {
        beginAtZero: fromZero,
        grid: { color: c.grid },
        // As precise as the ticks' step ("14 A", "22.5 °C"), the unit on every tick as on the power chart.
        ticks: {
          color: c.text,
          callback: (v, _i, ticks) => {
            const step = ticks.length > 1 ? Math.abs((ticks[1]?.value ?? 0) - (ticks[0]?.value ?? 0)) : 1;
            return `${num(Number(v), decimalsFor(step))} ${unit}`;
          },
        },
        afterFit: (scale) => {
          scale.width = 64;
        },
      },
    },
    plugins: {
      tooltip: {
        mode: 'index',
        intersect: false,
        filter: (item) => (item.parsed as { y?: number | null }).y != null,
        callbacks: {
          title: (items) => (items[0] ? fullTime((items[0].parsed as { x?: number }).x ?? 0) : ''),
          label: (item) =>
            ` ${item.dataset.label ?? ''}: ${num((item.parsed as { y?: number }).y ?? null, digits)} ${unit}`,
        },
      },
    },
  };
}
