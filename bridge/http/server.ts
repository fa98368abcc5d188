import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import compress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyError } from 'fastify';
import type { HttpConfig } from '../../config/types.ts';
import type { Logger } from '../log.ts';
import { isLoopbackName } from '../loopback.ts';
import { listenError } from '../startup.ts';
import { VERSION } from '../version.ts';
import { type ApiContext, BadRequest, registerApi } from './api.ts';
import { registerHardwareApi } from './api-hardware.ts';
import { createAuth } from './auth.ts';
import type { HttpDeps, HttpServer, MetricFamily } from './deps.ts';
import { describeValidation, errorBody } from './errors.ts';
import { type EventHub, registerEvents } from './live-stream.ts';
import { bridgeFamilies, familyTexts } from './metrics.ts';
import { loadOrCreateToken, tokenFileFor } from './token.ts';

/**
 * The bridge's HTTP side: the original system's API, the live event stream, /metrics, /healthz and
 * the built panel, on fastify (schema validation, compression, static files). Nothing a client sends
 * crashes it: every bad request ends as a 4xx with `{ status: 'error', error }` (docs/http.md).
 */

const PLACEHOLDER = `<!doctype html><meta charset="utf-8"><title>raritan2mqtt</title>
<p>The panel is not built yet: run <code>npm run build</code>. The API is at <a href="/api/current-status">/api/current-status</a>.</p>`;

/**
 * The token for writes from other machines when no credentials are configured (docs/security.md):
 * only a server reachable beyond loopback needs one, and only a database on disk has a place for it.
 */
function generatedToken(
  config: HttpConfig,
  dbPath: string | undefined,
  log: Logger,
): { token: string; file: string } | undefined {
  if (config.token || (config.username && config.password) || isLoopbackName(config.host)) return undefined;
  const file = tokenFileFor(dbPath ?? ':memory:');
  if (!file) {
    log.warn(
      'HTTP writes are accepted from this machine only: the database is in memory, so there is no place for a token file (set http.token to allow them from the network)',
    );
    return undefined;
  }
  const token = loadOrCreateToken(file, log);
  log.info({ file }, 'HTTP writes from other machines need the token in this file (Authorization: Bearer)');
  return { token, file };
}

/**
 * Whether a GET reads data (the API, /metrics), judged by the route that matched: the router decodes
 * the path, so `/%61pi/current-status` is `/api/current-status` and must not pass as something else.
 * No route matched: the decoded path decides, and a path that does not decode counts as data.
 */
function isDataRead(route: string | undefined, url: string): boolean {
  let path = route;
  if (path === undefined) {
    try {
      path = decodeURIComponent(url.split('?')[0] ?? '');
    } catch {
      return true;
    }
  }
  return path.startsWith('/api/') || path === '/metrics';
}

export function createHttpServer(deps: HttpDeps): HttpServer {
  const now = deps.now ?? Date.now;
  const log = deps.log.child({ module: 'http' });
  const startedAt = now();
  const app = Fastify({
    logger: false,
    bodyLimit: 16 * 1024,
    // Stopping closes every connection, not only the idle ones: a live stream, or a client that stopped
    // reading a large response (/metrics, a CSV), must not hold the bridge's stop open.
    forceCloseConnections: true,
    // Unknown query parameters are errors, not silently dropped; numbers arrive as strings.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false } },
  });
  // Until start() has the generated token (if any), nobody but this machine writes.
  const ctx: ApiContext = { deps, auth: createAuth({}), now };
  let hub: EventHub | undefined;

  // Every request is checked here, before its body is even read: any write (whatever the route, so a
  // new POST is protected from its first line) and, with protectReads, the API and /metrics.
  app.addHook('onRequest', async (req, reply) => {
    const write = req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS';
    const access = write ? 'write' : isDataRead(req.routeOptions.url, req.url) ? 'read' : undefined;
    if (access === undefined) return;
    if (ctx.auth.allows({ remoteAddress: req.raw.socket.remoteAddress, headers: req.headers }, access))
      return;
    // No WWW-Authenticate challenge: the panel asks for credentials itself, instead of the browser's
    // modal (which would also appear for the token mode, where it cannot help).
    const refusal = ctx.auth.refusal(access);
    return reply.code(401).send(errorBody(refusal.error, refusal));
  });

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    return payload;
  });

  app.setErrorHandler((error: FastifyError, req, reply) => {
    const first = error.validation?.[0];
    if (first) {
      const where = error.validationContext ?? 'request';
      const input = where === 'body' ? req.body : req.query;
      return reply.code(400).send(errorBody(describeValidation(first, where, input)));
    }
    // Fastify's own client errors carry their status (413 too large, 415 media type: some are RangeErrors).
    const code = error.statusCode ?? 500;
    if (code >= 400 && code < 500) return reply.code(code).send(errorBody(error.message));
    // The history refuses bad ranges with RangeError before it reads anything.
    if (error instanceof BadRequest || error instanceof RangeError) {
      return reply.code(400).send(errorBody(error.message));
    }
    log.error({ url: req.url, err: error.message }, 'request failed');
    return reply.code(500).send(errorBody('internal error'));
  });

  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send(errorBody(`not found: ${req.method} ${req.url.split('?')[0]}`));
  });

  const ready = (async () => {
    await app.register(compress, { global: true, threshold: 1024 });
    registerApi(app, ctx);
    registerHardwareApi(app, ctx);
    hub = registerEvents(app, ctx);

    app.get('/metrics', async (_req, reply) => {
      const families = bridgeFamilies(deps.status.pdus(), {
        startedAt,
        now: now(),
        version: VERSION,
        sseClients: hub?.clients ?? 0,
      });
      let extra: readonly MetricFamily[] = [];
      try {
        extra = deps.metrics?.() ?? [];
      } catch (err) {
        log.warn({ err: String(err) }, 'collecting extra metrics failed');
      }
      // Streamed a family at a time, never as one ~6 MB string (familyTexts, docs/architecture.md).
      const body = Readable.from(familyTexts([...families, ...extra]), { objectMode: false });
      return reply.type('text/plain; version=0.0.4; charset=utf-8').send(body);
    });

    app.get('/healthz', async () => {
      const pdus = deps.status.pdus();
      const offline = pdus.filter((s) => s.online === false).map((s) => s.id);
      // Always 200 while the process serves: a PDU being down is reported, not a reason to restart us.
      return {
        status: offline.length === 0 ? 'ok' : 'degraded',
        version: VERSION,
        uptime_s: Math.round((now() - startedAt) / 1000),
        pdus: Object.fromEntries(pdus.map((s) => [s.id, s.online ?? null])),
      };
    });

    if (existsSync(join(deps.uiDir, 'index.html'))) {
      await app.register(fastifyStatic, {
        root: deps.uiDir,
        setHeaders(res, path) {
          // Vite names assets by content hash: cache them for good; index.html always revalidates.
          res.setHeader(
            'cache-control',
            path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      });
    } else {
      log.warn({ uiDir: deps.uiDir }, 'panel not built (npm run build): serving a placeholder');
      app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(PLACEHOLDER));
    }
  })();

  return {
    async start() {
      await ready;
      ctx.auth = createAuth({ ...deps.config, generated: generatedToken(deps.config, deps.dbPath, log) });
      const { port: wanted, host } = deps.config;
      try {
        await app.listen({ port: wanted, host });
      } catch (error) {
        throw listenError(error, {
          service: 'HTTP server',
          host,
          port: wanted,
          portKey: 'http.port (R2M_HTTP_PORT)',
          hostKey: 'http.host (R2M_HTTP_HOST)',
        });
      }
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : deps.config.port;
      log.info({ host: deps.config.host, port, auth: ctx.auth.mode }, 'HTTP server listening');
      return { port, host: deps.config.host };
    },
    async stop() {
      await ready.catch(() => undefined);
      hub?.close();
      await app.close();
    },
  };
}
