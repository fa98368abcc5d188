import { NAMEPLATE, OUTLET_CONFIG, OUTLET_MEASUREMENT, OUTLET_SWITCH, UNIT_CONFIG } from '../snmp/mib.ts';

/**
 * PDU2-MIB's notifications (`traps` = raritan.6.0) that say the PDU's state may have changed, and the
 * varbinds the bridge and the simulator use. A notification only ever makes the bridge poll the PDU
 * sooner: its state always comes from the poll (docs/architecture.md).
 */

const RARITAN = '1.3.6.1.4.1.13742.6';
/** `traps`: every PDU2-MIB notification is `traps.<n>`. */
export const TRAPS = `${RARITAN}.0`;
/** `trapInformation` (traps.0): the accessible-for-notify objects a notification carries. */
const TRAP_INFORMATION = `${TRAPS}.0`;

/** snmpTrapOID.0 (SNMPv2-MIB): the second varbind of every v2c/v3 notification. */
export const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';
/** sysUpTime.0: the first. */
export const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';

/** What a notification asks of the bridge. */
export interface NotificationAction {
  name: string;
  /** Re-read the layout (names, linked units) with the poll, not only the values. */
  layout: boolean;
}

/** traps.<n> → what it means for the bridge. Anything else from a PDU is counted and ignored. */
export const NOTIFICATIONS: ReadonlyMap<number, NotificationAction> = new Map([
  // The PDU (re)started: poll now, so it is back online without waiting for the interval.
  [1, { name: 'systemStarted', layout: true }],
  // Sent at switching time: mid-cycle it says off (PDU2-MIB powerControl DESCRIPTION).
  [23, { name: 'powerControl', layout: false }],
  [61, { name: 'inletSensorStateChange', layout: false }],
  [62, { name: 'inletPoleSensorStateChange', layout: false }],
  [63, { name: 'outletSensorStateChange', layout: false }],
  [64, { name: 'outletPoleSensorStateChange', layout: false }],
  [65, { name: 'overCurrentProtectorSensorStateChange', layout: false }],
  [66, { name: 'externalSensorStateChange', layout: false }],
  // pduName, sysName, … changed: the layout holds the names.
  [79, { name: 'deviceIdentificationChanged', layout: true }],
  [97, { name: 'inletSensorReset', layout: false }],
  [98, { name: 'outletSensorReset', layout: false }],
  [102, { name: 'unitSensorStateChange', layout: false }],
  // Linked (daisy-chained) units came, went, or stopped answering the master.
  [156, { name: 'linkUnitAdded', layout: true }],
  [157, { name: 'linkUnitReleased', layout: true }],
  [158, { name: 'linkUnitCommunicationOk', layout: true }],
  [159, { name: 'linkUnitCommunicationFailed', layout: true }],
]);

export const notificationOid = (n: number) => `${TRAPS}.${n}`;

/** The accessible-for-notify scalars (instance .0) and the columns a notification names, by instance. */
export const TRAP_VARBINDS = {
  oldSensorState: `${TRAP_INFORMATION}.2.0`,
  pduNumber: `${TRAP_INFORMATION}.3.0`,
  typeOfSensor: `${TRAP_INFORMATION}.10.0`,
  /** pduSerialNumber.<pdu>: how a trap names its PDU wherever it was sent from. */
  pduSerialNumber: NAMEPLATE.serial,
  pduName: UNIT_CONFIG.pduName,
  outletLabel: OUTLET_CONFIG.label,
  measurementsOutletSensorState: OUTLET_MEASUREMENT.state,
  switchingOperation: OUTLET_SWITCH.operation,
} as const;

/**
 * The notification OID of a received trap: snmpTrapOID.0 for v2c/v3; for v1, the enterprise and
 * specific-trap number as RFC 3584 section 3.1 maps them (enterprise `raritan.6` and specific n is
 * `raritan.6.0.n`; a sender that put the `.0` into the enterprise already is read the same way).
 */
export function trapOid(pdu: {
  enterprise?: unknown;
  specific?: unknown;
  generic?: unknown;
  varbinds?: readonly { oid: string; value: unknown }[];
}): string | undefined {
  if (typeof pdu.enterprise === 'string' && typeof pdu.specific === 'number') {
    if (pdu.generic !== 6) return `1.3.6.1.6.3.1.1.5.${Number(pdu.generic) + 1}`;
    return pdu.enterprise.endsWith('.0')
      ? `${pdu.enterprise}.${pdu.specific}`
      : `${pdu.enterprise}.0.${pdu.specific}`;
  }
  const value = pdu.varbinds?.find((v) => v.oid === SNMP_TRAP_OID)?.value;
  return typeof value === 'string' && /^\d+(\.\d+)+$/.test(value) ? value : undefined;
}

/** What a trap OID means: a PDU2-MIB notification the bridge acts on, or undefined. */
export function actionOf(oid: string): NotificationAction | undefined {
  if (!oid.startsWith(`${TRAPS}.`)) return undefined;
  const n = Number(oid.slice(TRAPS.length + 1));
  return Number.isInteger(n) ? NOTIFICATIONS.get(n) : undefined;
}
