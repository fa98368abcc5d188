import { PERIODS, type Period, VIEWS, type View } from '../facts/periods.ts';

/**
 * JSON schemas of the query strings and bodies. Fastify validates them before a handler runs, and
 * unknown parameters are refused (additionalProperties: false with removeAdditional off), so a typo
 * such as `perod=day` is a 400 instead of a silently different answer.
 */

const pdu = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' } as const;
const period = { type: 'string', enum: PERIODS } as const;
/** ms since the epoch: 2000-01-01 .. 2100-01-01. */
const time = { type: 'integer', minimum: 946_684_800_000, maximum: 4_102_444_800_000 } as const;

/** GET /api/event-log: the latest events, of one unit or all. */
export const eventLogQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { pdu, limit: { type: 'integer', minimum: 1, maximum: 500 } },
} as const;
export interface EventLogQuery {
  pdu?: string;
  limit?: number;
}

export const pduQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { pdu },
} as const;

/** A unit and a range: what every series query takes (the hardware series' too, http/api-hardware.ts). */
export const pduQueryProps = {
  pdu,
  period,
  from: time,
  to: time,
  /** The chart's width in points: the server never sends more (downsampling). */
  points: { type: 'integer', minimum: 10, maximum: 2000 },
} as const;

export const seriesQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { ...pduQueryProps, view: { type: 'string', enum: VIEWS } },
} as const;

export const exportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    pdu,
    period,
    from: time,
    to: time,
    view: { type: 'string', enum: [...VIEWS, 'all'] },
    format: { type: 'string', enum: ['csv'] },
    /** The lines', protectors' or external sensors' series instead of the outlets' (http/api-hardware.ts). */
    kind: { type: 'string', enum: ['line', 'breaker', 'sensor'] },
    resolution: { type: 'string', enum: ['raw', '15m', '1h', '1d'] },
  },
} as const;

export const renameBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    pdu,
    /** The original system's name for an outlet number; `outlet` is accepted too. */
    port: { type: 'integer', minimum: 1, maximum: 1024 },
    outlet: { type: 'integer', minimum: 1, maximum: 1024 },
    name: { type: 'string', maxLength: 255 },
  },
} as const;

export interface PduQuery {
  pdu?: string;
}

export interface SeriesQueryString extends PduQuery {
  period?: Period;
  from?: number;
  to?: number;
  view?: View;
  points?: number;
}

export interface ExportQueryString extends PduQuery {
  period?: Period;
  from?: number;
  to?: number;
  view?: View | 'all';
  format?: 'csv';
  kind?: 'line' | 'breaker' | 'sensor';
  resolution?: 'raw' | '15m' | '1h' | '1d';
}

export interface RenameBody {
  pdu?: string;
  port?: number;
  outlet?: number;
  name: string;
}
