/**
 * Parser for snmpsim's `.snmprec` walk format: one `OID|type|value` per line. Type numbers are ASN.1
 * tags: 2 INTEGER, 4 OCTET STRING (4x: hex), 6 OID, 64 IpAddress, 65 Counter32, 66 Gauge32/Unsigned32,
 * 67 TimeTicks, 70 Counter64. snmpsim variation modules add a suffix (`4:writecache`); it is kept apart.
 */

export type SnmprecValue = number | bigint | string | Buffer;

export interface SnmprecEntry {
  oid: string;
  /** ASN.1 tag number (2, 4, 6, 64, 65, 66, 67, 70). */
  tag: number;
  value: SnmprecValue;
  /** snmpsim variation module, e.g. 'writecache', or undefined. */
  variation?: string;
}

export class SnmprecError extends Error {}

export function parseSnmprec(text: string): SnmprecEntry[] {
  const entries: SnmprecEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.startsWith('#')) continue;
    const first = line.indexOf('|');
    const second = line.indexOf('|', first + 1);
    if (first < 0 || second < 0) throw new SnmprecError(`line ${i + 1}: expected OID|type|value`);
    const oid = line.slice(0, first).replace(/^\./, '');
    const typeField = line.slice(first + 1, second);
    const raw = line.slice(second + 1);
    if (!/^\d+(\.\d+)+$/.test(oid)) throw new SnmprecError(`line ${i + 1}: bad OID ${oid}`);
    const [typeText = '', variation] = typeField.split(':');
    const hex = typeText.endsWith('x');
    const tag = Number.parseInt(hex ? typeText.slice(0, -1) : typeText, 10);
    entries.push({ oid, tag, value: parseValue(tag, raw, hex, i + 1), variation });
  }
  return entries;
}

function parseValue(tag: number, raw: string, hex: boolean, line: number): SnmprecValue {
  switch (tag) {
    case 2:
    case 65:
    case 66:
    case 67: {
      const n = Number(raw);
      if (!Number.isInteger(n)) throw new SnmprecError(`line ${line}: not an integer: ${raw}`);
      return n;
    }
    case 70:
      return BigInt(raw);
    case 4:
      return hex ? Buffer.from(raw, 'hex') : raw;
    case 6:
    case 64:
      return raw;
    default:
      throw new SnmprecError(`line ${line}: unsupported type ${tag}`);
  }
}
