import type { PduConfig } from '../config/load.ts';
import type { OutletControl } from './commands.ts';
import { protectedOf } from './facts/outlet-rules.ts';
import type { Poller } from './poller.ts';
import { unitId } from './readings.ts';
import { createOutletControl } from './snmp/control.ts';
import type { PduReader } from './snmp/reader.ts';
import type { SnmpClient } from './snmp/session.ts';

/**
 * A configured PDU as the controller runs it, and the units behind it: which runtime a unit id
 * (`pdu1`, `pdu1-2`) is read through, and the one outlet control per unit the command module writes with.
 */

export interface PduRuntime {
  pdu: PduConfig;
  reader: PduReader;
  writer: SnmpClient | undefined;
  poller: Poller;
}

export function unitControls(runtimes: ReadonlyMap<string, PduRuntime>) {
  /** unit topic id ("pdu1", "pdu1-2") → its PDU runtime and unit number. */
  function resolveUnit(id: string): { rt: PduRuntime; unit: number } | undefined {
    for (const rt of runtimes.values()) {
      const unit = rt.reader.layout?.units.find((u) => unitId(rt.pdu.id, u.unit) === id);
      if (unit) return { rt, unit: unit.unit };
    }
    return undefined;
  }

  const controls = new Map<string, OutletControl>();
  function control(id: string): OutletControl | undefined {
    const found = resolveUnit(id);
    if (!found) return undefined;
    let c = controls.get(id);
    if (!c) {
      const { rt, unit } = found;
      const layout = () => rt.reader.layout?.units.find((u) => u.unit === unit);
      c = createOutletControl({
        unit,
        outlets: () => layout()?.outlets.length ?? 0,
        switchable: (n) => layout()?.outlets.find((o) => o.outlet === n)?.switchable ?? false,
        writeClient: rt.writer,
        readClient: rt.reader.client,
        allowSwitching: rt.pdu.allowSwitching,
        protectedOutlets: protectedOf(rt.pdu, unit),
        maxNameLength: rt.pdu.maxNameLength,
        changed: () => rt.reader.invalidate(),
      });
      controls.set(id, c);
    }
    return c;
  }

  return { resolveUnit, control };
}
