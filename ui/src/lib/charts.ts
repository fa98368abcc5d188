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

export function themeColors() {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return { text: v('--muted'), grid: v('--grid'), accent: v('--accent'), surface: v('--surface') };
}
