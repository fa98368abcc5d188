import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { type ApiContext, statusPayload } from './api.ts';
import type { LiveEvent } from './types.ts';

/**
 * GET /api/events: server-sent events for the panel (EventSource reconnects by itself).
 *   event: reading       data: { pdus: PduJson[] }  (each unit of a poll, same shape as current-status)
 *   event: availability  data: { pdus: string[], online: boolean, time: number }
 *   event: heartbeat     data: { time: number }     (every 15 s: proxies keep the stream, the panel
 *                                                     knows the bridge is alive between slow polls)
 * A payload is built once per poll, not once per client.
 */

export interface EventHub {
  readonly clients: number;
  close(): void;
}

export function registerEvents(app: FastifyInstance, ctx: ApiContext): EventHub {
  const clients = new Set<ServerResponse>();
  const send = (event: string, data: unknown) => {
    if (clients.size === 0) return;
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of clients) res.write(frame);
  };

  const onLive = (e: LiveEvent) => {
    if (clients.size === 0) return;
    if (e.type === 'availability') {
      send('availability', { pdus: e.pdus, online: e.online, time: e.time });
      return;
    }
    const ids = new Set(e.readings.map((r) => r.id));
    // The controller records the poll in the history in the same tick it emits: let that finish so
    // the cards (energy today, peak) include this very poll.
    setImmediate(() => {
      try {
        // Only the units of this poll: with 200 PDUs, building all 200 per poll was 40,000 per cycle.
        const pdus = statusPayload(ctx, ids);
        if (pdus.length > 0) send('reading', { pdus });
      } catch (err) {
        ctx.deps.log.warn({ err: String(err) }, 'building a live event failed');
      }
    });
  };
  const unsubscribe = ctx.deps.live.subscribe(onLive);

  const heartbeat = setInterval(() => send('heartbeat', { time: ctx.now() }), ctx.deps.heartbeatMs ?? 15_000);
  heartbeat.unref();

  app.get('/api/events', (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx and friends buffer responses unless told not to.
      'x-accel-buffering': 'no',
    });
    res.write('retry: 5000\n\n');
    // The current state first, so a reconnecting panel is in step at once.
    res.write(`event: reading\ndata: ${JSON.stringify({ pdus: statusPayload(ctx) })}\n\n`);
    clients.add(res);
    req.raw.on('close', () => clients.delete(res));
  });

  return {
    get clients() {
      return clients.size;
    },
    close() {
      unsubscribe();
      clearInterval(heartbeat);
      for (const res of clients) res.end();
      clients.clear();
    },
  };
}
