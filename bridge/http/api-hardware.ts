import type { FastifyInstance } from 'fastify';
import { HARDWARE_KINDS, type HardwareKind } from '../history/hardware-channels.ts';
import type { HardwareSeries } from '../history/hardware-series.ts';
import { type ApiContext, maxPoints, range, resolvePdu } from './api.ts';
import { type PduQuery, pduQueryProps } from './schemas.ts';

/**
 * GET /api/sensor-data (docs/http.md): the history of a unit's lines, overcurrent protectors or
 * numeric external sensors, one `kind` at a time, for the panel's temperature and per-line charts.
 */

export const sensorDataQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...pduQueryProps,
    kind: { type: 'string', enum: HARDWARE_KINDS },
  },
} as const;

interface SensorDataQuery extends PduQuery {
  period?: 'hour' | 'day' | 'week' | 'month' | 'year';
  from?: number;
  to?: number;
  points?: number;
  kind?: HardwareKind;
}

export interface SensorDataJson extends Omit<HardwareSeries, 'stepMs'> {
  step_ms: number;
}

export function sensorDataJson({ stepMs, ...rest }: HardwareSeries): SensorDataJson {
  return { ...rest, step_ms: stepMs };
}

export function registerHardwareApi(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Querystring: SensorDataQuery }>(
    '/api/sensor-data',
    { schema: { querystring: sensorDataQuery } },
    async (req) => {
      const q = req.query;
      const pdu = resolvePdu(ctx, q.pdu);
      return sensorDataJson(
        ctx.deps.history.hardwareSeries({
          pdu,
          ...range(q),
          kind: q.kind ?? 'sensor',
          maxPoints: maxPoints(q.points),
        }),
      );
    },
  );
}
