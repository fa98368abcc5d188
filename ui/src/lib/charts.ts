import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';

/**
 * Chart.js, tree-shaken: only the controllers, elements, scales and plugins the two charts use are
 * registered (`chart.js/auto` would pull in every one of them). Time axes are linear scales over ms
 * with our own labels, which saves a date adapter. No Legend plugin: the legend is HTML
 * (ChartLegend.svelte), drawn inside the canvas it could not be reached by keyboard.
 */
Chart.register(
  LineController,
  LineElement,
  PointElement,
  BarController,
  BarElement,
  LinearScale,
  CategoryScale,
  Tooltip,
  Filler,
);

export { Chart };

/** Distinct colors for up to 36+ lines: hues spread by the golden angle, two lightness bands. */
export function lineColor(i: number, theme: 'dark' | 'light'): string {
  const hue = Math.round((i * 137.508 + 200) % 360);
  const light = theme === 'dark' ? (i % 2 ? 62 : 72) : i % 2 ? 38 : 48;
  return `hsl(${hue} 70% ${light}%)`;
}

export function themeColors() {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return { text: v('--muted'), grid: v('--grid'), accent: v('--accent'), surface: v('--surface') };
}
