import type { ConfigIssue } from './errors.ts';
import type { pduSchema } from './pdu-schema.ts';
import type { Settings } from './spec.ts';
import type { PduConfig, PduValues, SnmpV3Config } from './types.ts';

/** The checks of `pdus` that span keys or elements, and the v3 block turned into session credentials. */

const needsAuth = (level: string): boolean => level !== 'noAuthNoPriv';
const needsPriv = (level: string): boolean => level === 'authPriv';

function v3Issues(pdu: PduValues, at: string): ConfigIssue[] {
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
function idIssues(pdus: readonly PduValues[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Map<string, number>();
  pdus.forEach((pdu, i) => {
    const key = `pdus[${i}].id`;
    const first = seen.get(pdu.id);
    if (pdu.id === 'bridge')
      issues.push({ key, reason: '"bridge" is reserved (it is the topic of the bridge itself)' });
    else if (first !== undefined)
      issues.push({ key, reason: `"${pdu.id}" is already the id of pdus[${first}]` });
    seen.set(pdu.id, first ?? i);
  });
  pdus.forEach((pdu, i) => {
    const linked = /^(.+)-(\d+)$/.exec(pdu.id);
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

/** The checks across keys of each PDU (SNMPv3), then across the list (ids), once every value is valid. */
export function pduIssues(pdus: readonly PduValues[]): ConfigIssue[] {
  const issues = pdus.flatMap((pdu, i) => v3Issues(pdu, `pdus[${i}]`));
  return issues.length > 0 ? issues : idIssues(pdus);
}

type V3Block = Settings<typeof pduSchema.v3>;

function credentials(v3: V3Block, user: string, authKey: string, privKey: string): SnmpV3Config {
  const { level, authProtocol, privProtocol } = v3;
  return Object.freeze({
    user,
    level,
    authProtocol,
    authKey: needsAuth(level) ? authKey : '',
    privProtocol,
    privKey: needsPriv(level) ? privKey : '',
  });
}

/** The PDU as the bridge reads it: the v3 block becomes the read and the write session's credentials. */
export function withSessions({ v3, ...pdu }: Settings<typeof pduSchema>): PduConfig {
  const isV3 = pdu.version === '3';
  const read = isV3 ? credentials(v3, v3.user, v3.authKey, v3.privKey) : null;
  const write =
    isV3 && v3.writeUser !== '' ? credentials(v3, v3.writeUser, v3.writeAuthKey, v3.writePrivKey) : read;
  return { ...pdu, v3: read, writeV3: write };
}

/** True when the PDU has credentials to write (rename, switch). */
export function hasWriteAccess(pdu: PduConfig): boolean {
  return pdu.version === '3' ? pdu.writeV3 !== null : pdu.writeCommunity !== null;
}
