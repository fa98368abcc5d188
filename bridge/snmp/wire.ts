import snmp from 'net-snmp';
import { UNIT_CONFIG } from './mib.ts';
import type { SnmpTarget, SnmpValue } from './session.ts';

/**
 * net-snmp's shapes turned into ours: the v3 user, a varbind's value as a plain JS value, and every
 * failure as an SnmpError whose kind the poller can act on (a silent agent is retried, a refusal not).
 */

export type SnmpErrorKind = 'timeout' | 'tooBig' | 'refused' | 'protocol' | 'closed';

export class SnmpError extends Error {
  constructor(
    readonly kind: SnmpErrorKind,
    message: string,
    /** SNMP error-status name (e.g. 'NoAccess'), when the agent sent one. */
    readonly status?: string,
    /** The varbind the agent's error-index points at, when it sent a valid one. */
    readonly oid?: string,
  ) {
    super(message);
    this.name = 'SnmpError';
  }
}

export function v3User(target: SnmpTarget): snmp.User {
  const v3 = target.v3;
  if (!v3) throw new SnmpError('protocol', 'SNMPv3 needs a user');
  const level = snmp.SecurityLevel[v3.level];
  const user: snmp.User = { name: v3.user, level };
  if (v3.level !== 'noAuthNoPriv') {
    user.authProtocol = v3.authProtocol === 'sha256' ? snmp.AuthProtocols.sha256 : snmp.AuthProtocols.sha;
    user.authKey = v3.authKey ?? '';
  }
  if (v3.level === 'authPriv') {
    user.privProtocol = snmp.PrivProtocols.aes;
    user.privKey = v3.privKey ?? '';
  }
  return user;
}

/** A varbind's value as a plain JS value, or undefined when the agent has no such object. */
export function toValue(vb: snmp.Varbind): SnmpValue | undefined {
  if (snmp.isVarbindError(vb)) return undefined;
  const v: unknown = vb.value;
  switch (vb.type) {
    case snmp.ObjectType.OctetString:
      // pxMACAddress is a MacAddress (six raw bytes), not text: `aa:bb:cc:dd:ee:ff`.
      if (Buffer.isBuffer(v) && v.length === 6 && vb.oid.startsWith(`${UNIT_CONFIG.macAddress}.`))
        return [...v].map((b) => b.toString(16).padStart(2, '0')).join(':');
      return Buffer.isBuffer(v) ? octetText(v) : String(v);
    case snmp.ObjectType.Counter64:
      return Buffer.isBuffer(v) ? BigInt(`0x${v.toString('hex') || '0'}`) : BigInt(v as number);
    case snmp.ObjectType.Null:
      return undefined;
    default:
      return typeof v === 'number' || typeof v === 'string' ? v : undefined;
  }
}

/**
 * An OCTET STRING as text: UTF-8 when it is valid UTF-8 (names, labels), else latin1, one char per octet,
 * so that binary octets such as a BITS value 0xF0 (…EnabledThresholds with all four thresholds) arrive
 * whole instead of as U+FFFD (bits.ts reads them back).
 */
export function octetText(v: Buffer): string {
  const text = v.toString('utf8');
  return Buffer.byteLength(text) === v.length && Buffer.from(text, 'utf8').equals(v)
    ? text
    : v.toString('latin1');
}

export function mapError(error: unknown): SnmpError {
  if (error instanceof SnmpError) return error;
  const e = error as { name?: string; message?: string; status?: number };
  if (e?.name === 'RequestTimedOutError') return new SnmpError('timeout', 'no answer (timeout)');
  if (e?.name === 'RequestFailedError') {
    const status = snmp.ErrorStatus[e.status ?? -1] as string | undefined;
    // net-snmp names the error-index's varbind only in its message: "NoSuchName: 1.3.6.1…".
    const oid = /: (\d+(?:\.\d+)+)$/.exec(e.message ?? '')?.[1];
    if (e.status === snmp.ErrorStatus.TooBig)
      return new SnmpError('tooBig', 'response too big', 'TooBig', oid);
    return new SnmpError('refused', `the agent refused the request (${status ?? e.status})`, status, oid);
  }
  return new SnmpError('protocol', `SNMP error: ${e?.message ?? String(error)}`);
}
