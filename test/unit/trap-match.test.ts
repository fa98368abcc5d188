import { describe, expect, it } from 'vitest';
import { NAMEPLATE } from '../../bridge/snmp/mib.ts';
import { judgeTrap, normalizeAddress, type TrapSender } from '../../bridge/traps/match.ts';
import { notificationOid, SNMP_TRAP_OID, SYS_UPTIME, trapOid } from '../../bridge/traps/notifications.ts';

/** Whose trap is it, and may it make that PDU poll (bridge/traps/match.ts)? Pure rules. */

const SENDERS: TrapSender[] = [
  { id: 'a', addresses: new Set(['192.0.2.10']), community: 'pub-a', user: null },
  { id: 'b', addresses: new Set(['192.0.2.20']), community: null, user: 'monitor' },
];
const v2 = (n: number, extra: { oid: string; value: unknown }[] = []) => ({
  varbinds: [{ oid: SYS_UPTIME, value: 1 }, { oid: SNMP_TRAP_OID, value: notificationOid(n) }, ...extra],
});
const owner = (serial: string) => (serial === 'SER-A' ? 'a' : undefined);

describe('judgeTrap', () => {
  it('polls for a state notification from a PDU, with its community or its v3 user', () => {
    expect(judgeTrap({ address: '192.0.2.10', community: 'pub-a', pdu: v2(23) }, SENDERS, owner)).toEqual({
      kind: 'poll',
      pdu: 'a',
      notification: 'powerControl',
      layout: false,
    });
    expect(judgeTrap({ address: '192.0.2.20', user: 'monitor', pdu: v2(79) }, SENDERS, owner)).toMatchObject({
      kind: 'poll',
      pdu: 'b',
      notification: 'deviceIdentificationChanged',
      layout: true,
    });
  });

  it('matches by pduSerialNumber when the address is not the configured one, and IPv4-mapped addresses', () => {
    const serial = { oid: `${NAMEPLATE.serial}.1`, value: Buffer.from('SER-A') };
    expect(
      judgeTrap({ address: '198.51.100.7', community: 'pub-a', pdu: v2(63, [serial]) }, SENDERS, owner),
    ).toMatchObject({
      kind: 'poll',
      pdu: 'a',
    });
    expect(normalizeAddress('::FFFF:192.0.2.10')).toBe('192.0.2.10');
    expect(
      judgeTrap({ address: '::ffff:192.0.2.10', community: 'pub-a', pdu: v2(63) }, SENDERS, owner).kind,
    ).toBe('poll');
  });

  it('refuses another PDU’s credentials, ignores what is not about state, and knows no stranger', () => {
    expect(judgeTrap({ address: '192.0.2.10', community: 'pub-b', pdu: v2(63) }, SENDERS, owner)).toEqual({
      kind: 'refused',
      pdu: 'a',
    });
    expect(judgeTrap({ address: '192.0.2.20', community: 'monitor', pdu: v2(63) }, SENDERS, owner).kind).toBe(
      'refused',
    );
    expect(judgeTrap({ address: '192.0.2.10', community: 'pub-a', pdu: v2(17) }, SENDERS, owner).kind).toBe(
      'ignored',
    );
    expect(judgeTrap({ address: '203.0.113.1', community: 'pub-a', pdu: v2(63) }, SENDERS, owner)).toEqual({
      kind: 'unknown',
    });
  });

  it('calls a trap without varbinds or without a notification OID malformed', () => {
    expect(judgeTrap({ address: '192.0.2.10', community: 'pub-a', pdu: {} }, SENDERS, owner).kind).toBe(
      'malformed',
    );
    expect(
      judgeTrap(
        {
          address: '192.0.2.10',
          community: 'pub-a',
          pdu: { varbinds: [{ oid: SNMP_TRAP_OID, value: 'x' }] },
        },
        SENDERS,
        owner,
      ).kind,
    ).toBe('malformed');
  });
});

describe('trapOid', () => {
  it('maps SNMPv1 enterprise-specific traps as RFC 3584 does, with or without the .0', () => {
    const ent = '1.3.6.1.4.1.13742.6';
    expect(trapOid({ enterprise: ent, generic: 6, specific: 23, varbinds: [] })).toBe(notificationOid(23));
    expect(trapOid({ enterprise: `${ent}.0`, generic: 6, specific: 23, varbinds: [] })).toBe(
      notificationOid(23),
    );
    // coldStart (generic 0) is snmpTraps.1.
    expect(trapOid({ enterprise: ent, generic: 0, specific: 0, varbinds: [] })).toBe('1.3.6.1.6.3.1.1.5.1');
  });
});
