import { describe, expect, it } from 'vitest';
import { createAuth, isLocalRequest } from '../../bridge/http/auth.ts';
import { hostOfHeader, isLoopbackAddress, isLoopbackName } from '../../bridge/loopback.ts';

/** What counts as this machine (docs/security.md): the socket's address, narrowed by headers only. */

describe('isLoopbackAddress (the socket peer)', () => {
  for (const a of ['127.0.0.1', '127.3.2.1', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::ffff:7f00:1'])
    it(`${a} is loopback`, () => expect(isLoopbackAddress(a)).toBe(true));
  for (const a of [
    '192.168.1.20',
    '10.0.0.1',
    '::ffff:192.168.1.20',
    'fe80::1',
    'fd00::2',
    '::',
    '0.0.0.0',
    '128.0.0.1',
    'localhost',
    '',
    undefined,
  ])
    it(`${a} is not`, () => expect(isLoopbackAddress(a)).toBe(false));
});

describe('isLoopbackName (a bind address or a Host)', () => {
  it('takes localhost, *.localhost and loopback addresses', () => {
    for (const h of ['localhost', 'LOCALHOST', 'panel.localhost', '127.0.0.1', '::1', 'localhost.'])
      expect(isLoopbackName(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', 'pdu-bridge', 'localhost.example.com', '192.0.2.1'])
      expect(isLoopbackName(h), h).toBe(false);
  });

  it('reads the hostname of a Host header', () => {
    expect(hostOfHeader('[::1]:5000')).toBe('::1');
    expect(hostOfHeader('127.0.0.1:5000')).toBe('127.0.0.1');
    expect(hostOfHeader('Localhost')).toBe('localhost');
    expect(hostOfHeader(undefined)).toBeUndefined();
    expect(hostOfHeader('bad host/x')).toBeUndefined();
  });
});

describe('isLocalRequest', () => {
  const req = (remoteAddress: string | undefined, headers: Record<string, string> = {}) => ({
    remoteAddress,
    headers: { host: 'localhost:5000', ...headers },
  });

  it('is a loopback socket, no proxy in between, a Host naming this machine', () => {
    expect(isLocalRequest(req('127.0.0.1'))).toBe(true);
    expect(isLocalRequest(req('::1', { host: '[::1]:5000' }))).toBe(true);
    expect(isLocalRequest(req('::ffff:127.0.0.1', { host: '127.0.0.1:5000' }))).toBe(true);
  });

  it('is never a LAN socket, whatever its headers claim', () => {
    expect(isLocalRequest(req('192.168.1.20'))).toBe(false);
    expect(
      isLocalRequest(req('192.168.1.20', { 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1' })),
    ).toBe(false);
  });

  it('is not a request a proxy on this machine forwarded', () => {
    expect(isLocalRequest(req('127.0.0.1', { 'x-forwarded-for': '192.168.1.20' }))).toBe(false);
    expect(isLocalRequest(req('127.0.0.1', { forwarded: 'for=192.168.1.20' }))).toBe(false);
    expect(isLocalRequest(req('127.0.0.1', { 'x-real-ip': '192.168.1.20' }))).toBe(false);
  });

  it('is not a page of another site resolved to 127.0.0.1 (DNS rebinding), nor a Host-less request', () => {
    expect(isLocalRequest(req('127.0.0.1', { host: 'attacker.example:5000' }))).toBe(false);
    expect(isLocalRequest({ remoteAddress: '127.0.0.1', headers: {} })).toBe(false);
  });
});

describe('createAuth', () => {
  const lan = { remoteAddress: '192.168.1.20', headers: { host: 'bridge:5000' } };
  const local = { remoteAddress: '127.0.0.1', headers: { host: 'localhost:5000' } };
  const withHeaders = (r: typeof lan, h: Record<string, string>) => ({
    ...r,
    headers: { ...r.headers, ...h },
  });
  const generated = { token: 'generated-token-0123456789', file: '/data/http-token' };

  it('generated token: this machine writes freely, the LAN with the token; reads stay open', () => {
    const auth = createAuth({ generated });
    expect(auth.mode).toBe('token');
    expect(auth.tokenFile).toBe('/data/http-token');
    expect(auth.allows(local, 'write')).toBe(true);
    expect(auth.allows(lan, 'write')).toBe(false);
    expect(auth.allows(withHeaders(lan, { authorization: `Bearer ${generated.token}` }), 'write')).toBe(true);
    expect(auth.allows(withHeaders(lan, { authorization: 'Bearer wrong' }), 'write')).toBe(false);
    expect(auth.allows(lan, 'read')).toBe(true);
    const refusal = auth.refusal('write');
    expect(refusal).toEqual({
      error: "authentication required: the token is in /data/http-token on the bridge's machine",
      auth: 'token',
      token_file: '/data/http-token',
    });
    expect(JSON.stringify(refusal)).not.toContain(generated.token);
  });

  it('configured credentials: wanted from this machine too, and the generated token is not used', () => {
    const auth = createAuth({ token: 'configured-token-abcdef', generated });
    expect(auth.mode).toBe('token');
    expect(auth.tokenFile).toBeUndefined();
    expect(auth.allows(local, 'write')).toBe(false);
    expect(auth.allows(withHeaders(local, { authorization: `Bearer ${generated.token}` }), 'write')).toBe(
      false,
    );
    expect(
      auth.allows(withHeaders(local, { authorization: 'Bearer configured-token-abcdef' }), 'write'),
    ).toBe(true);
  });

  it('no token at all: this machine only', () => {
    const auth = createAuth({});
    expect(auth.mode).toBe('local');
    expect(auth.allows(local, 'write')).toBe(true);
    expect(auth.allows(lan, 'write')).toBe(false);
    expect(auth.refusal('write').error).toMatch(
      /^writes are accepted from the bridge's own machine only: set http\.token/,
    );
  });

  it('protectReads: reads as writes, and the panel cookie opens reads but never a write', () => {
    const auth = createAuth({ generated, protectReads: true });
    const cookie = { cookie: `theme=dark; r2m-auth=${encodeURIComponent(`Bearer ${generated.token}`)}` };
    expect(auth.allows(lan, 'read')).toBe(false);
    expect(auth.allows(local, 'read')).toBe(true);
    expect(auth.allows(withHeaders(lan, cookie), 'read')).toBe(true);
    expect(auth.allows(withHeaders(lan, cookie), 'write')).toBe(false);
    expect(auth.allows(withHeaders(lan, { cookie: 'r2m-auth=%E0%A4%A' }), 'read')).toBe(false);
  });
});
