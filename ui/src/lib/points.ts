import { prefetch, type Range, seriesPath, type View } from './api.ts';

/**
 * How many points a chart asks the bridge for, and the first charts fetched with the status: the day's
 * power and energy are requested as soon as the status names the PDU, not once the dashboard has been
 * drawn and laid out (~150–300 ms later on a slow machine, most of the time to the charts on load).
 */

/** The period and view the panel opens on (App.svelte): what prefetchCharts asks for. */
export const FIRST_RANGE: Readonly<Range> = { period: 'day' };
export const FIRST_VIEW: View = 'total';
/** App.svelte's main is at most this wide, and the charts with it. */
const MAIN_MAX_PX = 1600;

/** Points a chart this wide shows: about one per 2 px, in steps of 100 so a resize does not refetch. */
export const pointsFor = (widthPx: number) => Math.max(100, Math.ceil(widthPx / 200) * 100);

/**
 * What a chart asks for before it is laid out: enough for the page's width. A chart asks
 * max(this, pointsFor(its width)), so its first request is the prefetched one and a chart narrower than
 * the page does not refetch once measured (a few more points than pixels/2 cost nothing visible).
 */
export const firstPoints = () => pointsFor(Math.min(window.innerWidth, MAIN_MAX_PX));

/** With the first status: the opening charts of the PDU shown, fetched while the dashboard is drawn. */
export function prefetchCharts(pdu: string): void {
  const q = { pdu, range: FIRST_RANGE, view: FIRST_VIEW, points: firstPoints() };
  prefetch(seriesPath('power', q));
  prefetch(seriesPath('energy', q));
}
