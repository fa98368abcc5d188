import type { PduConfig, SnmpV3Config } from '../../config/load.ts';
import type { SnmpTarget } from './session.ts';

/** SNMP targets (read and write) from a configured PDU. */

function v3(c: SnmpV3Config): NonNullable<SnmpTarget['v3']> {
  return {
    user: c.user,
    level: c.level,
    authProtocol: c.authProtocol,
    authKey: c.authKey,
    privProtocol: c.privProtocol,
    privKey: c.privKey,
  };
}

export function readTarget(pdu: PduConfig, maxVarbinds: number): SnmpTarget {
  const base = { host: pdu.host, port: pdu.port, timeout: pdu.timeout, retries: pdu.retries, maxVarbinds };
  if (pdu.version === '3' && pdu.v3) return { ...base, version: '3', v3: v3(pdu.v3) };
  return { ...base, version: pdu.version === '3' ? '2c' : pdu.version, community: pdu.community };
}

/** The write session's target, or undefined when the PDU has no write credentials (read-only). */
export function writeTarget(pdu: PduConfig): SnmpTarget | undefined {
  const base = { host: pdu.host, port: pdu.port, timeout: pdu.timeout, retries: pdu.retries, maxVarbinds: 8 };
  if (pdu.version === '3') return pdu.writeV3 ? { ...base, version: '3', v3: v3(pdu.writeV3) } : undefined;
  return pdu.writeCommunity ? { ...base, version: pdu.version, community: pdu.writeCommunity } : undefined;
}
