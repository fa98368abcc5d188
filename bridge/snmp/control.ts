import type { OutletControl, SwitchAction } from '../commands.ts';
import { OUTLET_CONFIG, OUTLET_SWITCH, SensorState, SwitchOperation } from './mib.ts';
import { type SnmpClient, SnmpError } from './session.ts';

/**
 * Writes to one PDU unit: outletName renames and switchingOperation, each confirmed by reading the
 * object back from the PDU (the PDU stays the source of truth; nothing is kept only locally).
 */

export interface ControlDeps {
  unit: number;
  /** Outlets of the unit, from the current layout. */
  outlets: () => number;
  /** A session with the write credentials, or undefined when none are configured. */
  writeClient: SnmpClient | undefined;
  readClient: SnmpClient;
  allowSwitching: boolean;
  maxNameLength: number;
  /** Called after a successful write, e.g. to re-read names with the next poll. */
  changed: () => void;
  /** Read-backs after a switch until the state settles (a cycle takes the PDU's off-period). */
  settle?: { attempts: number; delayMs: number };
}

function writeError(error: unknown): Error {
  if (error instanceof SnmpError) {
    if (error.kind === 'timeout')
      return new Error('no answer to the write: is the write community (or v3 user) right?');
    if (error.kind === 'refused')
      return new Error(`the PDU refused the write (${error.status ?? error.message})`);
    return new Error(`the write failed: ${error.message}`);
  }
  return new Error(`the write failed: ${error instanceof Error ? error.message : String(error)}`);
}

export function createOutletControl(deps: ControlDeps): OutletControl {
  const settle = deps.settle ?? { attempts: 10, delayMs: 500 };
  const index = (outlet: number) => `${deps.unit}.${outlet}`;

  async function readSwitchState(outlet: number): Promise<'on' | 'off' | undefined> {
    const oid = `${OUTLET_SWITCH.state}.${index(outlet)}`;
    const value = (await deps.readClient.get([oid])).get(oid);
    return value === SensorState.on ? 'on' : value === SensorState.off ? 'off' : undefined;
  }

  return {
    get outlets() {
      return deps.outlets();
    },
    canWrite: deps.writeClient !== undefined,
    allowSwitching: deps.allowSwitching,
    maxNameLength: deps.maxNameLength,

    async rename(outlet, name) {
      if (!deps.writeClient) throw new Error('no write credentials configured for this PDU (writeCommunity)');
      const oid = `${OUTLET_CONFIG.name}.${index(outlet)}`;
      try {
        await deps.writeClient.set([{ oid, type: 'string', value: name }]);
      } catch (error) {
        throw writeError(error);
      }
      deps.changed();
      const readBack = (await deps.readClient.get([oid])).get(oid);
      if (typeof readBack !== 'string')
        throw new Error('the PDU accepted the name but did not return it on read-back');
      if (readBack !== name) throw new Error(`the PDU kept the name "${readBack}"`);
      return readBack;
    },

    async switchOutlet(outlet, action: SwitchAction) {
      if (!deps.allowSwitching) throw new Error('switching is not enabled for this PDU (allowSwitching)');
      if (!deps.writeClient) throw new Error('no write credentials configured for this PDU (writeCommunity)');
      const oid = `${OUTLET_SWITCH.operation}.${index(outlet)}`;
      try {
        await deps.writeClient.set([{ oid, type: 'integer', value: SwitchOperation[action] }]);
      } catch (error) {
        throw writeError(error);
      }
      const expected = action === 'off' ? 'off' : 'on';
      let state: 'on' | 'off' | undefined;
      for (let i = 0; i < settle.attempts; i++) {
        state = await readSwitchState(outlet);
        if (state === expected) break;
        await new Promise((r) => setTimeout(r, settle.delayMs));
      }
      deps.changed();
      if (state !== expected)
        throw new Error(`the PDU reports the outlet ${state ?? 'in an unknown state'} after ${action}`);
      return state;
    },
  };
}
