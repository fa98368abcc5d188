import type { OutletControl } from '../commands.ts';
import { type SwitchAction, switchRefusal } from '../facts/outlet-rules.ts';
import { prepareCycle } from './cycle.ts';
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
  /** outletSwitchable of an outlet, from the current layout (false for an outlet it does not know). */
  switchable: (outlet: number) => boolean;
  /** A session with the write credentials, or undefined when none are configured. */
  writeClient: SnmpClient | undefined;
  readClient: SnmpClient;
  allowSwitching: boolean;
  /** Outlets of this unit listed in protectedOutlets. */
  protectedOutlets?: ReadonlySet<number>;
  maxNameLength: number;
  /** Called after a successful write, e.g. to re-read names with the next poll. */
  changed: () => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** On and off take effect as soon as the PDU's relay has moved: a few read-backs over this long. */
const SWITCH_SETTLE_MS = 5000;

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
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const index = (outlet: number) => `${deps.unit}.${outlet}`;
  const protectedOutlets = deps.protectedOutlets ?? new Set<number>();

  async function readSwitchState(outlet: number): Promise<'on' | 'off' | undefined> {
    const oid = `${OUTLET_SWITCH.state}.${index(outlet)}`;
    const value = (await deps.readClient.get([oid])).get(oid);
    return value === SensorState.on ? 'on' : value === SensorState.off ? 'off' : undefined;
  }

  async function set(outlet: number, action: SwitchAction): Promise<void> {
    const oid = `${OUTLET_SWITCH.operation}.${index(outlet)}`;
    try {
      await deps.writeClient?.set([{ oid, type: 'integer', value: SwitchOperation[action] }]);
    } catch (error) {
      throw writeError(error);
    }
  }

  async function switchOnOff(outlet: number, action: 'on' | 'off'): Promise<'on' | 'off'> {
    await set(outlet, action);
    const deadline = now() + SWITCH_SETTLE_MS;
    let state = await readSwitchState(outlet);
    while (state !== action && now() < deadline) {
      await sleep(250);
      state = await readSwitchState(outlet);
    }
    if (state !== action)
      throw new Error(`the PDU reports the outlet ${state ?? 'in an unknown state'} after ${action}`);
    return state;
  }

  async function cycle(outlet: number): Promise<'on'> {
    let watch: Awaited<ReturnType<typeof prepareCycle>>;
    try {
      watch = await prepareCycle({ unit: deps.unit, client: deps.readClient, now, sleep }, outlet);
    } catch (error) {
      // Nothing was written: a cycle that cannot be watched is not started.
      throw new Error(
        `could not read outlet ${outlet} before cycling it, so it was not cycled: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    await set(outlet, 'cycle');
    return watch.confirm(now());
  }

  const control: OutletControl = {
    get outlets() {
      return deps.outlets();
    },
    canWrite: deps.writeClient !== undefined,
    allowSwitching: deps.allowSwitching,
    protectedOutlets,
    switchable: (outlet) => deps.switchable(outlet),
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
      // The command module asked this already; asked again here, of the same rule, so that nothing
      // that holds a control can switch what the rule forbids.
      const refusal = switchRefusal(`unit ${deps.unit}`, control, outlet, deps.switchable(outlet));
      if (refusal) throw new Error(refusal);
      try {
        return action === 'cycle' ? await cycle(outlet) : await switchOnOff(outlet, action);
      } finally {
        deps.changed();
      }
    },
  };
  return control;
}
