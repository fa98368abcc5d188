import type { Chart } from 'chart.js';

/**
 * The chart instances on `window.r2mCharts`, for the e2e tests only: set when the browser is automated
 * (navigator.webdriver), so a test can check what Chart.js draws (a dataset hidden by the legend)
 * rather than the panel's own idea of it. A browser not driven by automation never gets it.
 */
export function exposeChart(kind: string, chart: Chart | undefined): void {
  if (!navigator.webdriver) return;
  const w = window as unknown as { r2mCharts?: Record<string, Chart | undefined> };
  w.r2mCharts ??= {};
  w.r2mCharts[kind] = chart;
}

/** Drop `chart` from window.r2mCharts, unless a newer chart of that kind has replaced it already. */
export function forgetChart(kind: string, chart: Chart | undefined): void {
  const w = window as unknown as { r2mCharts?: Record<string, Chart | undefined> };
  const charts = w.r2mCharts;
  if (charts && charts[kind] === chart) charts[kind] = undefined;
}
