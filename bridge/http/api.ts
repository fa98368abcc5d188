import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Cards } from '../history/cards.ts';
import type { Auth } from './auth.ts';
import {
  type CurrentStatusJson,
  energySeriesJson,
  outletJson,
  type PduJson,
  pduJson,
  powerSeriesJson,
} from './bodies.ts';
import type { HttpDeps } from './deps.ts';
import { errorBody } from './errors.ts';
import {
  type EventLogQuery,
  type ExportQueryString,
  eventLogQuery,
  exportQuery,
  type PduQuery,
  pduQuery,
  type RenameBody,
  renameBody,
  type SeriesQueryString,
  seriesQuery,
} from './schemas.ts';

/** The HTTP API (docs/http.md); the payloads are http/bodies.ts. */

export class BadRequest extends Error {}

export interface ApiContext {
  deps: HttpDeps;
  auth: Auth;
  now: () => number;
}

/** The history's cards, or null while it has nothing for the unit (a fresh database). */
export function cardsOf(deps: HttpDeps, id: string, now: number): Cards | null {
  try {
    return deps.history.cards(id, now);
  } catch {
    return null;
  }
}

/** Every unit's status, or only those named: cards are built for the units returned, no others. */
export function statusPayload(ctx: ApiContext, only?: string | ReadonlySet<string>): PduJson[] {
  const now = ctx.now();
  const wanted = (id: string) =>
    only === undefined || (typeof only === 'string' ? id === only : only.has(id));
  return ctx.deps.status
    .pdus()
    .filter((s) => wanted(s.id))
    .map((s) => pduJson(s, cardsOf(ctx.deps, s.id, now), now));
}

export function resolvePdu(ctx: ApiContext, pdu: string | undefined): string {
  const known = ctx.deps.status.pdus().map((s) => s.id);
  if (pdu === undefined) {
    const first = known[0];
    if (first === undefined) throw new BadRequest('no PDU is configured');
    return first;
  }
  if (!known.includes(pdu)) throw new BadRequest(`unknown pdu ${JSON.stringify(pdu)}`);
  return pdu;
}

export function range(q: { period?: string; from?: number; to?: number }) {
  if (q.period !== undefined) {
    if (q.from !== undefined || q.to !== undefined)
      throw new BadRequest('give a period or from/to, not both');
    return { period: q.period as 'hour' };
  }
  if (q.from === undefined && q.to === undefined) return { period: 'day' as const };
  if (q.from === undefined || q.to === undefined) throw new BadRequest('from and to go together (ms)');
  if (q.to <= q.from) throw new BadRequest('to must be after from');
  return { from: q.from, to: q.to };
}

const DEFAULT_POINTS = 500;
/**
 * The history's grid aligns its first cell to the step, which can add one cell to the count it
 * was given: ask for one fewer so a chart never gets more points than it said it can show.
 */
export const maxPoints = (points: number | undefined) => (points ?? DEFAULT_POINTS) - 1;

/** GET /api/current-status, and the live stream's first event: the whole state, or one unit's. */
export function currentStatus(ctx: ApiContext, only?: string): CurrentStatusJson {
  return {
    time: ctx.now(),
    demo: ctx.deps.demo,
    auth: ctx.auth.mode,
    token_file: ctx.auth.tokenFile ?? null,
    backfill: ctx.deps.backfill?.() ?? null,
    pdus: statusPayload(ctx, only),
  };
}

export function registerApi(app: FastifyInstance, ctx: ApiContext): void {
  const { deps } = ctx;

  app.get<{ Querystring: PduQuery }>(
    '/api/current-status',
    { schema: { querystring: pduQuery } },
    async (req): Promise<CurrentStatusJson> =>
      currentStatus(ctx, req.query.pdu === undefined ? undefined : resolvePdu(ctx, req.query.pdu)),
  );

  app.get<{ Querystring: EventLogQuery }>(
    '/api/event-log',
    { schema: { querystring: eventLogQuery } },
    async (req) => {
      const pdu = req.query.pdu === undefined ? undefined : resolvePdu(ctx, req.query.pdu);
      return { events: deps.history.events({ ...(pdu ? { pdu } : {}), limit: req.query.limit ?? 50 }) };
    },
  );

  app.get<{ Querystring: PduQuery }>('/api/ports', { schema: { querystring: pduQuery } }, async (req) => {
    const pdu = resolvePdu(ctx, req.query.pdu);
    const reading = deps.status.pdus().find((s) => s.id === pdu)?.reading;
    return { pdu, time: reading?.time ?? null, ports: reading ? reading.outlets.map(outletJson) : [] };
  });

  app.get<{ Querystring: SeriesQueryString }>(
    '/api/power-data',
    { schema: { querystring: seriesQuery } },
    async (req) => {
      const q = req.query;
      const pdu = resolvePdu(ctx, q.pdu);
      return powerSeriesJson(
        deps.history.powerSeries({
          pdu,
          ...range(q),
          view: q.view ?? 'total',
          maxPoints: maxPoints(q.points),
        }),
      );
    },
  );

  app.get<{ Querystring: SeriesQueryString }>(
    '/api/energy-data',
    { schema: { querystring: seriesQuery } },
    async (req) => {
      const q = req.query;
      const pdu = resolvePdu(ctx, q.pdu);
      return energySeriesJson(
        deps.history.energySeries({
          pdu,
          ...range(q),
          view: q.view ?? 'total',
          maxPoints: maxPoints(q.points),
        }),
      );
    },
  );

  app.get<{ Querystring: ExportQueryString }>(
    '/api/export-data',
    { schema: { querystring: exportQuery } },
    async (req, reply) => {
      const q = req.query;
      const pdu = resolvePdu(ctx, q.pdu);
      const r = range(q);
      if (q.kind !== undefined && q.view !== undefined)
        throw new BadRequest('give a view or a kind, not both');
      const resolution = q.resolution ? { resolution: q.resolution } : {};
      // Both exports validate before their first chunk (RangeError → 400 by the error handler).
      const chunks =
        q.kind === undefined
          ? deps.history.exportCsv({ pdu, ...r, view: q.view ?? 'total', ...resolution })
          : deps.history.exportHardwareCsv({ pdu, ...r, kind: q.kind, ...resolution });
      const span = 'period' in r ? r.period : `${isoDay(r.from)}_${isoDay(r.to)}`;
      const what = q.kind ?? q.view ?? 'total';
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${pdu}-${span}-${what}.csv"`)
        .send(Readable.from(chunks));
    },
  );

  app.post<{ Body: RenameBody }>(
    '/api/update-port-name',
    // Who may write is decided for every request before this runs (server.ts, auth.ts).
    { schema: { body: renameBody } },
    async (req, reply) => {
      const b = req.body;
      const outlet = b.outlet ?? b.port;
      if (outlet === undefined) throw new BadRequest('give the outlet number (outlet or port)');
      const pdu = resolvePdu(ctx, b.pdu);
      const result = await deps.commands.rename({ pdu, outlet, name: b.name });
      if (result.status === 'ok') return result;
      // Busy: the PDU's command queue is full (bridge/commands.ts); the same request may succeed later.
      // Busy, or a PDU not answering (yet): the same request may work later.
      const code = result.kind ? 503 : commandErrorCode(result.error);
      return reply.code(code).send(errorBody(result.error));
    },
  );
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The command module answers with a message only; the PDU's own refusals and silences are the
 * gateway's failure (502), everything else is the request's (400).
 */
export function commandErrorCode(error: string): number {
  return /^(the PDU|no answer|the write failed)/.test(error) ? 502 : 400;
}
