/**
 * A simulated unit's nameplate: manufacturer, model, a serial and a MAC derived from the seed, and the
 * sysDescr a real PX3 sends, so a probe or the bridge identifies it as it would a real unit.
 */
import type { UnitIdentity } from './model-types.ts';
import { rng } from './profile.ts';

export function unitIdentity(seed: number, unit: number, model: string, firmware: string): UnitIdentity {
  const serial = `SIM${String(Math.floor(rng(seed, unit, 0x5e1)() * 1e7)).padStart(7, '0')}`;
  const macRng = rng(seed, unit, 0x3ac);
  // pxMACAddress: a locally administered address (02:…), never a real vendor's.
  const mac = [
    '02',
    ...Array.from({ length: 5 }, () =>
      Math.floor(macRng() * 256)
        .toString(16)
        .padStart(2, '0'),
    ),
  ].join(':');
  return {
    manufacturer: 'Raritan',
    model,
    serial,
    firmware,
    mac,
    // The real PX3's sysDescr, e.g. "Raritan PDU, MD:PX3-5493U-K2 HW:0x10 FW:4.2.0.5-50274".
    sysDescr: `Raritan PDU, MD:${model} HW:0x10 FW:${firmware}`,
  };
}
