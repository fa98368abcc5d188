/**
 * Encoded (BER) size of one SNMP varbind, so a GETBULK response can be cut to fit the agent's
 * maximum message size in one pass (RFC 3416 4.2.3) instead of re-encoding it varbind by varbind.
 * An estimate to within a byte or two; the responder verifies the final encoding anyway.
 */

const lengthOfLength = (n: number): number => (n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 4);
const tlv = (contentLength: number): number => 1 + lengthOfLength(contentLength) + contentLength;

function base128(n: number): number {
  let bytes = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    bytes++;
  }
  return bytes;
}

export function oidContentLength(oid: string): number {
  const parts = oid.split('.').map(Number);
  if (parts.length < 2) return 1;
  let len = base128((parts[0] ?? 0) * 40 + (parts[1] ?? 0));
  for (let i = 2; i < parts.length; i++) len += base128(parts[i] ?? 0);
  return len;
}

function signedLength(n: number): number {
  let bytes = 1;
  while (bytes < 4 && (n < -(2 ** (8 * bytes - 1)) || n >= 2 ** (8 * bytes - 1))) bytes++;
  return bytes;
}

function unsignedLength(n: number): number {
  let bytes = 1;
  while (bytes < 5 && n >= 2 ** (8 * bytes - 1)) bytes++;
  return bytes;
}

/** Size of SEQUENCE { OID, value } for the types the simulators serve. */
export function varbindSize(oid: string, type: number, value: unknown): number {
  let content: number;
  switch (type) {
    case 2: // INTEGER / Integer32
      content = signedLength(Number(value));
      break;
    case 65: // Counter32
    case 66: // Gauge32 / Unsigned32
    case 67: // TimeTicks
      content = unsignedLength(Number(value));
      break;
    case 70: // Counter64
      content = 9;
      break;
    case 4:
    case 68:
      content = Buffer.isBuffer(value) ? value.length : Buffer.byteLength(String(value ?? ''));
      break;
    case 6:
      content = oidContentLength(String(value));
      break;
    case 64:
      content = 4;
      break;
    default: // Null and the exceptions noSuchObject/noSuchInstance/endOfMibView
      content = 0;
  }
  return tlv(tlv(oidContentLength(oid)) + tlv(content));
}
