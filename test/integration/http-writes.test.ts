import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CurrentStatusJson } from '../../bridge/http/bodies.ts';
import { tokenFileFor } from '../../bridge/http/token.ts';
import { StartupError } from '../../bridge/startup.ts';
import { type BridgeStack, startBridgeStack } from '../../support/bridge-stack.ts';
import { captureLog } from '../helpers/log-capture.ts';

/**
 * Safe by default (docs/security.md), on the whole bridge (controller.ts) and the simulated PDU: without
 * credentials, nothing but the bridge's own machine writes to a PDU. Tests only ever connect to
 * 127.0.0.1, so a request "from the LAN" is one a proxy on this machine forwarded (X-Forwarded-For),
 * which the bridge treats exactly like a LAN client: not local. (The socket-address rule itself is
 * tested in test/unit/loopback.test.ts.)
 */

const root = mkdtempSync(join(tmpdir(), 'r2m-http-writes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A data directory of its own, where the database and the token file live. */
const place = (name: string) => {
  const dir = join(root, name);
  mkdirSync(dir);
  return { dir, tokenFile: join(dir, 'http-token') };
};

const LAN = { 'x-forwarded-for': '192.168.1.20' };
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/api/update-port-name`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const status = async (url: string) =>
  (await (await fetch(`${url}/api/current-status`)).json()) as CurrentStatusJson;

describe('default (no credentials, listening on all interfaces): the generated token', () => {
  const { dir, tokenFile } = place('default');
  let stack: BridgeStack;
  beforeAll(async () => {
    stack = await startBridgeStack({ days: 0, dir, http: { host: '0.0.0.0' } });
  }, 60_000);
  afterAll(() => stack?.stop());

  it('is made once, 0600, beside the database', async () => {
    expect(tokenFileFor(join(dir, 'history.db'))).toBe(tokenFile);
    const token = readFileSync(tokenFile, 'utf8').trim();
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
  });

  it('refuses a rename from the LAN without it (401, the file named, the PDU untouched)', async () => {
    const before = stack.agent.model.outletName(1, 5);
    const r = await post(stack.url, { port: 5, name: 'from the LAN' }, LAN);
    expect(r.status).toBe(401);
    expect(await r.json()).toEqual({
      status: 'error',
      error: `authentication required: the token is in ${tokenFile} on the bridge's machine`,
      auth: 'token',
      token_file: tokenFile,
    });
    expect(stack.agent.model.outletName(1, 5)).toBe(before);
  });

  it('refuses a wrong token, and any other POST, before the route is even looked up', async () => {
    const wrong = await post(stack.url, { port: 5, name: 'x' }, { ...LAN, authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    const r = await fetch(`${stack.url}/api/some-future-write`, { method: 'POST', headers: LAN, body: 'x' });
    expect(r.status).toBe(401);
    expect((await fetch(`${stack.url}/api/some-future-write`, { method: 'POST', body: 'x' })).status).toBe(
      404,
    );
  });

  it('accepts the rename from the LAN with the token', async () => {
    const token = readFileSync(tokenFile, 'utf8').trim();
    const r = await post(
      stack.url,
      { port: 5, name: 'with the token' },
      { ...LAN, authorization: `Bearer ${token}` },
    );
    expect(r.status).toBe(200);
    expect(stack.agent.model.outletName(1, 5)).toBe('with the token');
  });

  it('accepts a rename from this machine without it', async () => {
    const r = await post(stack.url, { port: 6, name: 'from loopback' });
    expect(r.status).toBe(200);
    expect(stack.agent.model.outletName(1, 6)).toBe('from loopback');
  });

  it('refuses this machine when the Host is another site’s (DNS rebinding)', async () => {
    // fetch sets Host itself; a raw request shows what a rebinding page would send.
    const code = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${stack.url}/api/update-port-name`,
        { method: 'POST', headers: { host: 'attacker.example', 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ port: 6, name: 'rebound' }));
    });
    expect(code).toBe(401);
    expect(stack.agent.model.outletName(1, 6)).toBe('from loopback');
  });

  it('leaves reads open to the LAN, and says where the token is', async () => {
    const r = await fetch(`${stack.url}/api/current-status`, { headers: LAN });
    expect(r.status).toBe(200);
    const body = (await r.json()) as CurrentStatusJson;
    expect(body.auth).toBe('token');
    expect(body.token_file).toBe(tokenFile);
    expect(JSON.stringify(body)).not.toContain(readFileSync(tokenFile, 'utf8').trim());
    for (const path of ['/api/ports', '/api/power-data?period=day', '/metrics', '/healthz'])
      expect((await fetch(`${stack.url}${path}`, { headers: LAN })).status, path).toBe(200);
  });

  it('is reused on the next start: the browser that has it keeps working', async () => {
    const token = readFileSync(tokenFile, 'utf8').trim();
    await stack.stop();
    stack = await startBridgeStack({ days: 0, dir, http: { host: '0.0.0.0' } });
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(token);
    const r = await post(
      stack.url,
      { port: 7, name: 'after restart' },
      { ...LAN, authorization: `Bearer ${token}` },
    );
    expect(r.status).toBe(200);
  }, 60_000);
});

describe('the token file, the log and the other modes', () => {
  const stacks: BridgeStack[] = [];
  afterEach(async () => {
    for (const s of stacks.splice(0)) await s.stop();
  });
  const start = async (opts: Parameters<typeof startBridgeStack>[0]) => {
    const s = await startBridgeStack({ days: 0, ...opts });
    stacks.push(s);
    return s;
  };

  it('logs the path, never the token', async () => {
    const { dir, tokenFile } = place('logged');
    const captured = captureLog('debug');
    await start({ dir, http: { host: '0.0.0.0' }, log: captured.log });
    const token = readFileSync(tokenFile, 'utf8').trim();
    expect(captured.entries().some((e) => e.file === tokenFile)).toBe(true);
    expect(captured.lines.join('')).not.toContain(token);
  });

  it('tightens a token file readable by others to 0600, and keeps its token', async () => {
    const { dir, tokenFile } = place('loose');
    writeFileSync(tokenFile, 'my-own-token-0123456789\n');
    chmodSync(tokenFile, 0o644);
    const captured = captureLog('debug');
    const s = await start({ dir, http: { host: '0.0.0.0' }, log: captured.log });
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(
      captured.entries().some((e) => e.level === 40 && /readable by other users/.test(String(e.msg))),
    ).toBe(true);
    const r = await post(
      s.url,
      { port: 2, name: 'own token' },
      { ...LAN, authorization: 'Bearer my-own-token-0123456789' },
    );
    expect(r.status).toBe(200);
  });

  it('refuses to start on a token file without a usable token, naming the file', async () => {
    const { dir, tokenFile } = place('short');
    writeFileSync(tokenFile, 'short\n');
    await expect(start({ dir, http: { host: '0.0.0.0' } })).rejects.toThrow(
      new StartupError(
        `HTTP token file ${tokenFile}: holds no usable token (one line, at least 16 characters): delete it to get a new one (or set http.token, or http.username and http.password)`,
      ),
    );
  });

  it('refuses to start when the token file cannot be read, naming it', async () => {
    const { dir, tokenFile } = place('unreadable');
    mkdirSync(tokenFile); // a directory where the file belongs
    await expect(start({ dir, http: { host: '0.0.0.0' } })).rejects.toThrow(
      new StartupError(
        `HTTP token file ${tokenFile}: cannot read it: it is a directory (or set http.token, or http.username and http.password)`,
      ),
    );
  });

  it('with the database in memory there is no token: writes from this machine only, said in the log', async () => {
    expect(tokenFileFor(':memory:')).toBeNull();
    const captured = captureLog('debug');
    const s = await start({ dir: ':memory:', http: { host: '0.0.0.0' }, log: captured.log });
    const st = await status(s.url);
    expect(st.auth).toBe('local');
    expect(st.token_file).toBeNull();
    const lan = await post(s.url, { port: 1, name: 'x' }, LAN);
    expect(lan.status).toBe(401);
    expect(((await lan.json()) as { error: string }).error).toMatch(
      /^writes are accepted from the bridge's own machine only: set http\.token/,
    );
    expect((await post(s.url, { port: 1, name: 'in memory, from here' })).status).toBe(200);
    expect(captured.entries().some((e) => /database is in memory/.test(String(e.msg)))).toBe(true);
  });

  it('a server on loopback only makes no token: it is this machine’s', async () => {
    const { dir, tokenFile } = place('loopback');
    const s = await start({ dir });
    expect(() => statSync(tokenFile)).toThrow(/ENOENT/);
    expect((await status(s.url)).auth).toBe('local');
    expect((await post(s.url, { port: 1, name: 'loopback' })).status).toBe(200);
    expect((await post(s.url, { port: 1, name: 'x' }, LAN)).status).toBe(401);
  });

  it('configured credentials replace the token: no file is made, and this machine presents them too', async () => {
    const { dir, tokenFile } = place('configured');
    const s = await start({ dir, http: { host: '0.0.0.0', token: 'configured-token-xyz-123' } });
    expect(() => statSync(tokenFile)).toThrow(/ENOENT/);
    expect((await post(s.url, { port: 1, name: 'x' })).status).toBe(401);
    const ok = await post(
      s.url,
      { port: 1, name: 'configured' },
      { authorization: 'Bearer configured-token-xyz-123' },
    );
    expect(ok.status).toBe(200);
  });

  it('protectReads: the API, the event stream and /metrics want the token too; /healthz stays open', async () => {
    const { dir, tokenFile } = place('reads');
    const s = await start({ dir, http: { host: '0.0.0.0', protectReads: true } });
    const token = readFileSync(tokenFile, 'utf8').trim();
    // The router decodes paths: an encoded one is the same route, and as protected.
    for (const path of [
      '/api/current-status',
      '/api/events',
      '/metrics',
      '/api/export-data?period=day',
      '/%61pi/current-status',
      '/%6detrics',
    ]) {
      const r = await fetch(`${s.url}${path}`, { headers: LAN });
      expect(r.status, path).toBe(401);
      expect(((await r.json()) as { token_file: string }).token_file).toBe(tokenFile);
    }
    expect((await fetch(`${s.url}/healthz`, { headers: LAN })).status).toBe(200);
    expect((await fetch(`${s.url}/`, { headers: LAN })).status).toBe(200);
    const bearer = { ...LAN, authorization: `Bearer ${token}` };
    expect((await fetch(`${s.url}/api/current-status`, { headers: bearer })).status).toBe(200);
    expect((await fetch(`${s.url}/metrics`, { headers: bearer })).status).toBe(200);
    // The panel's cookie (the event stream and a download link cannot send a header): reads only.
    const cookie = { ...LAN, cookie: `r2m-auth=${encodeURIComponent(`Bearer ${token}`)}` };
    expect((await fetch(`${s.url}/api/current-status`, { headers: cookie })).status).toBe(200);
    expect((await post(s.url, { port: 1, name: 'x' }, cookie)).status).toBe(401);
    // This machine reads without it, as it writes.
    expect((await fetch(`${s.url}/api/current-status`)).status).toBe(200);
  });
});
