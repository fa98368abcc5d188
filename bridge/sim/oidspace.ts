/**
 * A sorted, immutable set of instance OIDs with exact and "next" lookups: the ordering GETNEXT and
 * GETBULK walk (numeric, arc by arc, as compareOids). Values live elsewhere, addressed by index.
 */
import { compareOids } from '../snmp/oid.ts';

export interface OidSpace {
  readonly oids: readonly string[];
  /** Index of exactly this OID, or -1. */
  indexOf(oid: string): number;
  /** Index of the first OID that sorts strictly after `oid` (GETNEXT), or -1 at the end of the MIB. */
  nextIndex(oid: string): number;
}

function parse(oid: string): number[] {
  const parts = oid.replace(/^\./, '').split('.');
  const out = new Array<number>(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const n = Number(parts[i]);
    out[i] = Number.isInteger(n) && n >= 0 ? n : 0;
  }
  return out;
}

function compareParts(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** `oids` must be unique and already in compareOids order (checked: a misordered MIB walks wrong). */
export function createOidSpace(oids: readonly string[]): OidSpace {
  const parts = oids.map(parse);
  const byOid = new Map<string, number>();
  for (let i = 0; i < oids.length; i++) {
    if (i > 0 && compareParts(parts[i - 1]!, parts[i]!) >= 0)
      throw new Error(`OIDs out of order or duplicated at ${oids[i]}`);
    byOid.set(oids[i]!, i);
  }
  return {
    oids,
    indexOf: (oid) => byOid.get(oid.replace(/^\./, '')) ?? -1,
    nextIndex(oid) {
      const key = parse(oid);
      let lo = 0;
      let hi = parts.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareParts(parts[mid]!, key) <= 0) lo = mid + 1;
        else hi = mid;
      }
      return lo < parts.length ? lo : -1;
    },
  };
}

/** Sort arbitrary OIDs into walk order (for callers that gather them unsorted). */
export function sortOids<T extends { oid: string }>(items: T[]): T[] {
  return items.sort((a, b) => compareOids(a.oid, b.oid));
}
