import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { eventPayload } from '../facts/events.ts';
import type { PduReading } from '../readings.ts';
import { type ApiContext, cardsOf, currentStatus } from './api.ts';
import { cardsJson, liveJson, pollJson } from './bodies.ts';
import type { PduStatus } from './deps.ts';

/**
 * GET /api/events: server-sent events for the panel (EventSource reconnects by itself), fed by the bus:
 *   event: reading       data: { pdus: LiveJson[] }   each unit of a good poll, from the poll itself
 *   event: poll          data: { source, online, last_poll }  a failed poll of a source (its units
 *                                                      may still be online: one lost answer is not an outage)
 *   event: availability  data: { pdus: string[], online: boolean, time: number }  the poller's decision
 *   event: cards         data: { pdus: CardsJson[] }  after the history committed a poll
 *   event: history       data: { backfill: { done, total } | null }  while the history's past is
 *                                                      filled in (each percent), null once it has ended
 *   event: bridge-event  data: { type, data }         one of the bridge's events, as on bridge/event
 *   event: heartbeat     data: { time: number }       every 15 s: proxies keep the stream, the panel
 *                                                      knows the bridge is alive between slow polls
 * A connecting client first gets one `reading` with the whole current state: the CurrentStatusJson of
 * GET /api/current-status (time, demo, auth, pdus: PduJson[] with their cards).
 * A payload is built once per event, not once per client, and only for the units the event names.
 */

export interface EventHub {
  readonly clients: number;
  close(): void;
}

export function registerEvents(app: FastifyInstance, ctx: ApiContext): EventHub {
  const clients = new Set<ServerResponse>();
  const send = (event: string, data: () => unknown) => {
    if (clients.size === 0) return;
    let frame: string;
    try {
      frame = `event: ${event}\ndata: ${JSON.stringify(data())}\n\n`;
    } catch (err) {
      ctx.deps.log.warn({ event, err: String(err) }, 'building a live event failed');
      return;
    }
    for (const res of clients) res.write(frame);
  };

  const { bus } = ctx.deps;
  const unsubscribe = [
    bus.on(
      'poll',
      (r) => {
        const now = ctx.now();
        if (!r.ok) {
          send('poll', () => ({
            source: r.source,
            online: r.online ?? null,
            last_poll: pollJson({ ...r, ok: false }),
          }));
          return;
        }
        const last = {
          time: r.time,
          durationMs: r.durationMs,
          requests: r.requests,
          ok: true,
          error: undefined,
        };
        send('reading', () => {
          const address = new Map(ctx.deps.status.pdus().map((s) => [s.id, s.address]));
          return {
            pdus: r.units.map((reading) =>
              liveJson(status(reading, last, r.intervalMs, address.get(reading.id)), now),
            ),
          };
        });
      },
      'http-live',
    ),
    bus.on(
      'availability',
      (a) => send('availability', () => ({ pdus: a.units, online: a.online, time: a.time })),
      'http-live',
    ),
    bus.on('event', (e) => send('bridge-event', () => eventPayload(e)), 'http-live'),
    bus.on(
      'recorded',
      (e) => {
        const now = ctx.now();
        send('cards', () => ({ pdus: e.units.map((id) => cardsJson(id, cardsOf(ctx.deps, id, now))) }));
      },
      'http-live',
    ),
    bus.on(
      'backfill',
      (b) => send('history', () => ({ backfill: b.running ? { done: b.done, total: b.total } : null })),
      'http-live',
    ),
  ];

  const heartbeat = setInterval(
    () => send('heartbeat', () => ({ time: ctx.now() })),
    ctx.deps.heartbeatMs ?? 15_000,
  );
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
    // The current state first, the whole of GET /api/current-status: a reconnecting panel is in step at
    // once, and a panel whose first request failed can start from it.
    res.write(`event: reading\ndata: ${JSON.stringify(currentStatus(ctx))}\n\n`);
    clients.add(res);
    req.raw.on('close', () => clients.delete(res));
  });

  return {
    get clients() {
      return clients.size;
    },
    close() {
      for (const off of unsubscribe) off();
      clearInterval(heartbeat);
      for (const res of clients) res.end();
      clients.clear();
    },
  };
}

/** A good poll's unit as the status board would show it: the poller's view, from the event alone. */
function status(
  reading: PduReading,
  lastPoll: NonNullable<PduStatus['lastPoll']>,
  intervalMs: number,
  address: string | undefined,
) {
  return {
    id: reading.id,
    address,
    source: reading.source,
    online: true,
    reading,
    lastPoll,
    intervalMs,
    polls: 0,
    failures: 0,
    missed: 0,
  } satisfies PduStatus;
}
