import convict from 'convict';
import { type ConfigIssue, issuesFromConvict } from './errors.ts';
import { addFormat, collectProblems, isPlainObject, kindOf, Problem, show } from './formats.ts';
import { pduSchema, type RawPdu } from './pdu-schema.ts';
import { shapeProblems } from './shape.ts';
import type { PduConfig, ProtectedOutlet, SnmpConfig, SnmpV3Config, SnmpV3Level } from './types.ts';

/**
 * The `pdus` list: each element validated by its own strict convict instance (so unknown keys inside a
 * PDU are errors too and defaults are filled), then the checks that span keys or elements.
 */

function checkOne(value: unknown, at: string): { pdu?: RawPdu; issues: ConfigIssue[] } {
  // A PDU holds its communities and keys: never quote what was given instead of one.
  if (!isPlainObject(value))
    return { issues: [{ key: at, reason: `must be an object, got ${kindOf(value)}` }] };
  const shape = shapeProblems(value, pduSchema, `${at}.`);
  if (shape.length > 0) return { issues: shape.map((p) => ({ key: p.key ?? at, reason: p.message })) };
  const config = convict(pduSchema, { env: {}, args: [] });
  const { problems, error } = collectProblems(() => {
    config.load(value).validate({ allowed: 'strict' });
  });
  if (error) return { issues: issuesFromConvict(problems, error, `${at}.`) };
  const pdu = config.getProperties();
  return { pdu, issues: crossCheck(pdu, at) };
}

const needsAuth = (level: string): boolean => level !== 'noAuthNoPriv';
const needsPriv = (level: string): boolean => level === 'authPriv';

function crossCheck(pdu: RawPdu, at: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { v3 } = pdu;
  const need = (key: keyof typeof v3, why: string) => {
    if (v3[key] === '') issues.push({ key: `${at}.v3.${key}`, reason: `is required ${why}` });
  };
  if (pdu.version === '3') {
    need('user', 'with version "3"');
    const why = `with level "${v3.level}"`;
    if (needsAuth(v3.level)) need('authKey', why);
    if (needsPriv(v3.level)) need('privKey', why);
    if (v3.writeUser !== '') {
      if (needsAuth(v3.level)) need('writeAuthKey', `for writeUser ${why}`);
      if (needsPriv(v3.level)) need('writePrivKey', `for writeUser ${why}`);
    }
  } else if (v3.user !== '' || v3.writeUser !== '') {
    // A v3 block without version "3" would silently poll with v2c and 'public'.
    const key = v3.user !== '' ? 'user' : 'writeUser';
    issues.push({
      key: `${at}.v3.${key}`,
      reason: `is set but ${at}.version is "${pdu.version}" (set version to "3" for SNMPv3)`,
    });
  }
  return issues;
}

/** Ids are topic levels next to `bridge/…`, and linked units get `<id>-<n>` (bridge/readings.ts unitId). */
function listCheck(pdus: readonly RawPdu[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Map<string, number>();
  pdus.forEach((pdu, i) => {
    const id = pdu.id ?? '';
    const key = `pdus[${i}].id`;
    const first = seen.get(id);
    if (id === 'bridge')
      issues.push({ key, reason: '"bridge" is reserved (it is the topic of the bridge itself)' });
    else if (first !== undefined) issues.push({ key, reason: `"${id}" is already the id of pdus[${first}]` });
    seen.set(id, first ?? i);
  });
  pdus.forEach((pdu, i) => {
    const linked = /^(.+)-(\d+)$/.exec(pdu.id ?? '');
    const owner = linked?.[1] === undefined ? undefined : seen.get(linked[1]);
    if (linked && owner !== undefined && Number(linked[2]) >= 2) {
      issues.push({
        key: `pdus[${i}].id`,
        reason: `"${pdu.id}" would collide with linked unit ${linked[2]} of "${linked[1]}" (pdus[${owner}])`,
      });
    }
  });
  return issues;
}

/** Validates the whole list; `pdus` holds the elements with defaults filled when there is no issue. */
export function checkPdus(value: unknown): { pdus: RawPdu[]; issues: ConfigIssue[] } {
  if (!Array.isArray(value))
    return { pdus: [], issues: [{ key: 'pdus', reason: `must be an array, got ${kindOf(value)}` }] };
  const pdus: RawPdu[] = [];
  const issues: ConfigIssue[] = [];
  value.forEach((element, i) => {
    const one = checkOne(element, `pdus[${i}]`);
    if (one.pdu) pdus.push(one.pdu);
    issues.push(...one.issues);
  });
  if (issues.length === 0) issues.push(...listCheck(pdus));
  return { pdus, issues };
}

/** PDU2-MIB's pduId and outletId are small positive integers; this is room to spare, not a PDU's limit. */
const MAX_UNIT = 255;
const MAX_OUTLET = 999;
const OUTLETS_DOC = 'outlet numbers, e.g. [1, 24], or "2:5" for outlet 5 of linked unit 2';

/** `protectedOutlets` → the outlets it names; throws a Problem naming the first bad element. */
export function parseProtectedOutlets(value: unknown): ProtectedOutlet[] {
  if (!Array.isArray(value)) throw new Problem(`must be a list of ${OUTLETS_DOC}, got ${show(value)}`);
  if (value.length > 1024) throw new Problem(`must list at most 1024 outlets, got ${value.length}`);
  const out: ProtectedOutlet[] = [];
  value.forEach((element: unknown, i) => {
    const linked = typeof element === 'string' ? /^\s*(\d{1,3})\s*:\s*(\d{1,3})\s*$/.exec(element) : null;
    const unit = linked ? Number(linked[1]) : 1;
    const outlet = linked ? Number(linked[2]) : element;
    const ok =
      typeof outlet === 'number' &&
      Number.isInteger(outlet) &&
      outlet >= 1 &&
      outlet <= MAX_OUTLET &&
      unit >= 1 &&
      unit <= MAX_UNIT;
    if (!ok) throw new Problem(`[${i}] must be one of ${OUTLETS_DOC}, got ${show(element)}`);
    out.push(Object.freeze({ unit, outlet: outlet as number }));
  });
  return out;
}

let registered = false;

/** The `r2m-pdus` convict format: rejects the list with the exact key of its first issue. */
export function registerPdusFormat(): void {
  if (registered) return;
  registered = true;
  addFormat('r2m-outlets', (value) => {
    parseProtectedOutlets(value);
  });
  addFormat('r2m-pdus', (value) => {
    const first = checkPdus(value).issues[0];
    if (first) throw new Problem(first.reason, first.key);
  });
}

function v3Of(
  level: string,
  user: string,
  authKey: string,
  privKey: string,
  raw: RawPdu['v3'],
): SnmpV3Config {
  return Object.freeze({
    user,
    level: level as SnmpV3Level,
    authProtocol: raw.authProtocol as SnmpV3Config['authProtocol'],
    authKey: needsAuth(level) ? authKey : '',
    privProtocol: raw.privProtocol as SnmpV3Config['privProtocol'],
    privKey: needsPriv(level) ? privKey : '',
  });
}

/** The typed PDU, timing inherited from the snmp section where the PDU leaves it null. */
export function resolvePdu(raw: RawPdu, snmp: SnmpConfig): PduConfig {
  const { v3 } = raw;
  const isV3 = raw.version === '3';
  const read = isV3 ? v3Of(v3.level, v3.user, v3.authKey, v3.privKey, v3) : null;
  const write =
    isV3 && v3.writeUser !== '' ? v3Of(v3.level, v3.writeUser, v3.writeAuthKey, v3.writePrivKey, v3) : read;
  return Object.freeze({
    id: raw.id ?? '',
    name: raw.name === '' ? null : raw.name,
    host: raw.host ?? '',
    port: raw.port,
    version: raw.version as PduConfig['version'],
    community: raw.community,
    writeCommunity: raw.writeCommunity === '' ? null : raw.writeCommunity,
    v3: read,
    writeV3: write,
    pollInterval: raw.pollInterval ?? snmp.pollInterval,
    timeout: raw.timeout ?? snmp.timeout,
    retries: raw.retries ?? snmp.retries,
    allowSwitching: raw.allowSwitching,
    protectedOutlets: Object.freeze(parseProtectedOutlets(raw.protectedOutlets)),
    maxNameLength: raw.maxNameLength,
  });
}

/** True when the PDU has credentials to write (rename, switch). */
export function hasWriteAccess(pdu: PduConfig): boolean {
  return pdu.version === '3' ? pdu.writeV3 !== null : pdu.writeCommunity !== null;
}
