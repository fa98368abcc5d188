/**
 * The chart periods and views of the history API, the panel and the CSV export: one list, so a period
 * the server accepts is a period the panel offers and the other way round. Pure (the panel imports it).
 */
export const PERIODS = ['hour', 'day', 'week', 'month', 'year'] as const;
export type Period = (typeof PERIODS)[number];

/** One line for the PDU total (the inlet), or one per outlet. */
export const VIEWS = ['total', 'ports'] as const;
export type View = (typeof VIEWS)[number];
