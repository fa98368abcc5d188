/** The history layer's public API: import from here. */
export {
  type BackfillOptions,
  type BackfillProgress,
  type BackfillResult,
  backfill,
  backfillDemo,
  type DemoBackfillOptions,
  type FillOptions,
  fillDemo,
} from './backfill.ts';
export type { Cards, LastValues, OutletInfo, PduInfo, Peak } from './cards.ts';
export { CSV_HEADER, type CsvQuery } from './csv.ts';
export { createHistory, type History, type HistoryOptions, type RecordResult } from './history.ts';
export { PERIODS, type Period, type RangeQuery, type View } from './range.ts';
export type { EnergyLine, EnergySeries, PowerLine, PowerSeries, SeriesQuery } from './series.ts';
export type { Resolution } from './time.ts';
