import { BlockList } from 'node:net';

/**
 * What counts as "this machine": the loopback rule of the embedded broker (Mosquitto 2's) and of the
 * HTTP writes (docs/security.md). Addresses are the socket's own, never a header's: X-Forwarded-For is
 * whatever the client wants it to be.
 */

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** 127.0.0.0/8, ::1, and IPv4-mapped ::ffff:127.x (a dual-stack socket's view of 127.0.0.1). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  try {
    return LOOPBACK.check(bare, bare.includes(':') ? 'ipv6' : 'ipv4');
  } catch {
    return false; // not an IP address
  }
}

/** A name that resolves to this machine only: localhost and *.localhost (RFC 6761), or a loopback IP. */
export function isLoopbackName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost') || isLoopbackAddress(h);
}

/** The hostname of an HTTP Host header ("[::1]:5000" → "::1"), or undefined when it has none. */
export function hostOfHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  try {
    const { hostname } = new URL(`http://${header}`);
    return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  } catch {
    return undefined;
  }
}
