import { actionOf, TRAP_VARBINDS, trapOid } from './notifications.ts';

/**
 * Whose trap is it, and may it make that PDU poll? Pure (docs/security.md, "SNMP traps"): a trap is
 * matched to a configured PDU by the address it came from, or by the pduSerialNumber it carries (a
 * PDU behind NAT, or sending from its other interface); it must carry that PDU's community (v1/v2c)
 * or its v3 user (whose keys net-snmp has already checked); and it must be a notification that says
 * the PDU's state may have changed. Nothing in a trap is ever taken as state.
 */

/** A configured PDU as the trap receiver knows it. */
export interface TrapSender {
  id: string;
  /** Its addresses (the configured host, resolved). */
  addresses: ReadonlySet<string>;
  /** The community its v1/v2c traps must carry; null: it sends v3 only. */
  community: string | null;
  /** The v3 user its traps must come from; null: none configured. */
  user: string | null;
}

/** A trap as net-snmp's receiver hands it over (with includeAuthentication). */
export interface ReceivedTrap {
  address: string;
  community?: string;
  user?: string;
  pdu: {
    enterprise?: unknown;
    specific?: unknown;
    generic?: unknown;
    varbinds?: readonly { oid: string; value: unknown }[];
  };
}

export type TrapVerdict =
  | { kind: 'poll'; pdu: string; notification: string; layout: boolean }
  /** From a configured PDU, but not a notification about its state (a login, say). */
  | { kind: 'ignored'; pdu: string; notification: string }
  /** From no configured PDU. */
  | { kind: 'unknown' }
  /** From a configured PDU's address or with its serial, but not with its credentials. */
  | { kind: 'refused'; pdu: string }
  | { kind: 'malformed' };

/** `::ffff:192.0.2.1` (an IPv4 sender on a dual-stack socket) is 192.0.2.1. */
export function normalizeAddress(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice(7) : lower;
}

function serialOf(trap: ReceivedTrap): string | undefined {
  const prefix = `${TRAP_VARBINDS.pduSerialNumber}.`;
  const vb = trap.pdu.varbinds?.find((v) => v.oid.startsWith(prefix));
  const value = vb?.value;
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  return typeof text === 'string' && text.trim() !== '' ? text.trim() : undefined;
}

export function judgeTrap(
  trap: ReceivedTrap,
  senders: readonly TrapSender[],
  /** The configured PDU that reported this serial in its last layout read. */
  serialOwner: (serial: string) => string | undefined,
): TrapVerdict {
  if (!Array.isArray(trap.pdu.varbinds)) return { kind: 'malformed' };
  const oid = trapOid(trap.pdu);
  if (!oid) return { kind: 'malformed' };
  const address = normalizeAddress(trap.address);
  let sender = senders.find((s) => s.addresses.has(address));
  if (!sender) {
    const serial = serialOf(trap);
    const owner = serial === undefined ? undefined : serialOwner(serial);
    sender = senders.find((s) => s.id === owner);
  }
  if (!sender) return { kind: 'unknown' };
  const authentic =
    trap.user !== undefined
      ? sender.user !== null && trap.user === sender.user
      : sender.community !== null && trap.community === sender.community;
  if (!authentic) return { kind: 'refused', pdu: sender.id };
  const action = actionOf(oid);
  if (!action) return { kind: 'ignored', pdu: sender.id, notification: oid };
  return { kind: 'poll', pdu: sender.id, notification: action.name, layout: action.layout };
}
