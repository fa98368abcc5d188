import { parseSnmprec } from '../../bridge/sim/snmprec.ts';
import type { SnmpValue } from '../../bridge/snmp/session.ts';
import { readFixture } from '../../support/fixtures.ts';

/** A real walk as the map our SNMP client returns (strings for OCTET STRING, numbers for integers). */
export function walkValues(name: string): Map<string, SnmpValue> {
  const values = new Map<string, SnmpValue>();
  for (const e of parseSnmprec(readFixture(name))) {
    values.set(e.oid, Buffer.isBuffer(e.value) ? e.value.toString('utf8') : e.value);
  }
  return values;
}
