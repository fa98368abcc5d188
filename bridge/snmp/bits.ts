import type { SnmpValue } from './session.ts';

/**
 * SNMP BITS (RFC 2578 section 7.1.4) as the set of bit numbers that are set, from both encodings the
 * bridge meets (docs/snmp.md):
 * - a live agent sends the octets: bit 0 is the most significant bit of the first octet, so a PDU's
 *   …EnabledThresholds with upperWarning(2) and upperCritical(3) set is the one octet 0x30;
 * - a walk recorded as text (LibreNMS' `.snmprec`, served as such by snmpsim) holds the hex octets and
 *   then the numbers of the set bits: `30 2 3`, `F0 0 1 2 3`, `00`.
 * The text form is taken only when its octets and its bit numbers agree; anything else is octets.
 */
export function decodeBits(value: SnmpValue | undefined): Set<number> | undefined {
  if (typeof value !== 'string') return undefined;
  return fromText(value) ?? fromOctets(value);
}

const HEX_OCTET = /^[0-9A-Fa-f]{2}$/;
const BIT_NUMBER = /^\d{1,4}$/;

function bitsOf(octets: readonly number[]): Set<number> {
  const bits = new Set<number>();
  octets.forEach((octet, i) => {
    for (let b = 0; b < 8; b++) if (octet & (0x80 >> b)) bits.add(i * 8 + b);
  });
  return bits;
}

function fromText(text: string): Set<number> | undefined {
  // One raw octet is never the text form, which has at least two hex digits.
  if (text.length < 2) return undefined;
  const tokens = text.trim().split(/\s+/);
  let run = 0;
  while (run < tokens.length && HEX_OCTET.test(tokens[run]!)) run++;
  // The octets come first, then the bit numbers; a bit number may itself look like an octet ("10").
  for (let k = run; k >= 1; k--) {
    const rest = tokens.slice(k);
    if (!rest.every((t) => BIT_NUMBER.test(t))) continue;
    const bits = bitsOf(tokens.slice(0, k).map((t) => Number.parseInt(t, 16)));
    const listed = new Set(rest.map(Number));
    if (listed.size === bits.size && [...listed].every((b) => bits.has(b))) return bits;
  }
  return undefined;
}

function fromOctets(text: string): Set<number> {
  // The wire layer hands octets that are not UTF-8 over as latin1 (wire.ts): one char per octet.
  const octets: number[] = [];
  for (const ch of Buffer.from(text, 'latin1')) octets.push(ch);
  if ([...text].some((c) => c.charCodeAt(0) > 0xff)) {
    octets.length = 0;
    for (const b of Buffer.from(text, 'utf8')) octets.push(b);
  }
  return bitsOf(octets);
}
