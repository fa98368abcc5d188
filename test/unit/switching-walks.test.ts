import { describe, expect, it } from 'vitest';
import { powerOffPeriod } from '../../bridge/snmp/cycle.ts';
import { columnRows, decodeLayout } from '../../bridge/snmp/layout.ts';
import { OUTLET_CONFIG, UNIT_CONFIG } from '../../bridge/snmp/mib.ts';
import { fixtureSkipMessage, hasFixture } from '../../support/fixtures.ts';
import { walkValues } from '../helpers/walk.ts';

/** What the real walks say about switching: outletSwitchable and the power-cycle off-period. */

const px3 = hasFixture('raritan-pdu_px3.snmprec');
const px2 = hasFixture('raritan-pdu_px2.snmprec');
if (!px3 || !px2) console.warn(fixtureSkipMessage('raritan-pdu_px2/px3'));

describe.skipIf(!px3)('the real PX3 walk', () => {
  const values = px3 ? walkValues('raritan-pdu_px3.snmprec') : new Map();

  it('reports every one of its 24 outlets switchable (outletSwitchable true)', () => {
    const outlets = decodeLayout(values).units[0]!.outlets;
    expect(outlets).toHaveLength(24);
    expect(outlets.every((o) => o.switchable)).toBe(true);
  });

  it('cycles for 10 s: each outlet uses the global period, which the walk lacks, and its own says 10', () => {
    const own = columnRows(values, OUTLET_CONFIG.powerOffPeriod);
    const useGlobal = columnRows(values, OUTLET_CONFIG.useGlobalPowerOffPeriod);
    expect(columnRows(values, UNIT_CONFIG.globalPowerOffPeriod).size).toBe(0);
    for (let n = 1; n <= 24; n++) {
      const index = `1.${n}`;
      expect(powerOffPeriod({ own: own.get(index), useGlobal: useGlobal.get(index) })).toBe(10);
    }
  });
});

describe.skipIf(!px2)('the real PX2 walk', () => {
  it('has no outletSwitchable: no outlet of it is ever switched', () => {
    const outlets = decodeLayout(walkValues('raritan-pdu_px2.snmprec')).units[0]!.outlets;
    expect(outlets).toHaveLength(12);
    expect(outlets.some((o) => o.switchable)).toBe(false);
  });
});
