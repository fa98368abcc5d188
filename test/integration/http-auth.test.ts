import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, WRITE_COMMUNITY } from '../e2e/harness.ts';

/** Optional authentication of the write endpoints, and no secret in any response. */

const TOKEN = 'tok-Sekr3t-4b1d9e';
const USER = 'rackadmin';
const PASSWORD = 'pw-Sekr3t-77aa';
const SECRETS = [TOKEN, PASSWORD, WRITE_COMMUNITY, Buffer.from(`${USER}:${PASSWORD}`).toString('base64')];

let stack: Stack;
const rename = (outlet: number, name: string, authorization?: string) =>
  fetch(`${stack.url}/api/update-port-name`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ port: outlet, name }),
  });
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

beforeAll(async () => {
  stack = await startStack({
    http: { token: TOKEN, username: USER, password: PASSWORD },
    backfill: [{ days: 1, stepMinutes: 30 }],
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('auth on (token and basic)', () => {
  it('says which credentials the write endpoints want', async () => {
    const body = (await (await fetch(`${stack.url}/api/current-status`)).json()) as { auth: string };
    expect(body.auth).toBe('token-or-basic');
  });

  const refused: [string, string | undefined][] = [
    ['no credentials', undefined],
    ['a wrong token', 'Bearer tok-Sekr3t-4b1d9f'],
    ['the token as basic password', basic(USER, TOKEN)],
    ['a wrong password', basic(USER, 'nope')],
    ['a wrong user', basic('root', PASSWORD)],
    ['an unknown scheme', `Digest ${TOKEN}`],
    ['garbage', 'Bearer'],
  ];
  for (const [what, header] of refused) {
    it(`refuses a rename with ${what} (401) and leaves the PDU alone`, async () => {
      const before = stack.agent.model.outletName(1, 3);
      const r = await rename(3, 'auth-test refused', header);
      expect(r.status).toBe(401);
      // Configured credentials are wanted from this machine too; no token file is made or named.
      expect(await r.json()).toEqual({
        status: 'error',
        error: 'authentication required',
        auth: 'token-or-basic',
        token_file: null,
      });
      expect(r.headers.get('www-authenticate')).toBeNull();
      expect(stack.agent.model.outletName(1, 3)).toBe(before);
    });
  }

  it('accepts the bearer token', async () => {
    const r = await rename(3, 'auth-test token', `Bearer ${TOKEN}`);
    expect(r.status).toBe(200);
    expect(stack.agent.model.outletName(1, 3)).toBe('auth-test token');
  });

  it('accepts basic auth', async () => {
    const r = await rename(4, 'auth-test basic', basic(USER, PASSWORD));
    expect(r.status).toBe(200);
    expect(stack.agent.model.outletName(1, 4)).toBe('auth-test basic');
  });

  it('leaves the read endpoints open', async () => {
    for (const path of [
      '/api/current-status',
      '/api/ports',
      '/api/power-data?period=day',
      '/metrics',
      '/healthz',
    ]) {
      expect((await fetch(`${stack.url}${path}`)).status, path).toBe(200);
    }
  });
});

describe('no secret in any response', () => {
  it('holds for every endpoint, error bodies and headers included', async () => {
    const requests: [string, RequestInit?][] = [
      ['/api/current-status'],
      ['/api/ports'],
      ['/api/power-data?period=day&view=ports'],
      ['/api/energy-data?period=week&view=ports'],
      ['/api/export-data?period=day&view=all&format=csv'],
      ['/api/power-data?period=nope'],
      ['/metrics'],
      ['/healthz'],
      ['/'],
      ['/api/nope'],
      [
        '/api/update-port-name',
        { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } },
      ],
      [
        '/api/update-port-name',
        {
          method: 'POST',
          body: JSON.stringify({ port: 99, name: 'x' }),
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        },
      ],
    ];
    for (const [path, init] of requests) {
      const r = await fetch(`${stack.url}${path}`, init);
      const text = `${[...r.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${await r.text()}`;
      for (const secret of SECRETS) expect(text, `${path} leaks a secret`).not.toContain(secret);
    }
    // The event stream's first frame carries the whole status.
    const controller = new AbortController();
    const r = await fetch(`${stack.url}/api/events`, { signal: controller.signal });
    const reader = r.body!.getReader();
    let text = '';
    while (!text.includes('event: reading')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });
});
