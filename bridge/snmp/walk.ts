import snmp from 'net-snmp';
import type { BatchSize } from './batch-size.ts';
import { compareOids } from './oid.ts';
import type { SnmpValue } from './session.ts';
import { SnmpError, toValue } from './wire.ts';

/**
 * Walking several columns at once (GETBULK on v2c/v3, GETNEXT on v1) so that every value arrives or the
 * walk fails with an error naming the OID: never a loop, never a column dropped silently. The rules an
 * agent imposes here are in docs/snmp.md (tooBig, truncated GETBULK, SNMPv1's noSuchName at the end of
 * the MIB).
 */

export interface WalkDeps {
  /** GETNEXT (v1) cannot ask for more than one row per column. */
  version: '1' | '2c' | '3';
  /** The varbinds (columns × repetitions) per request the agent accepts, learnt as the walk goes. */
  size: BatchSize;
  /** One request: per OID asked, the varbinds the agent returned for it (none when it cut the response). */
  fetch(oids: string[], repetitions: number): Promise<snmp.Varbind[][]>;
}

/** A broken agent that serves an endless column must end in an error, not in all the memory. */
export const MAX_WALK_VALUES = 200_000;

interface Cursor {
  column: string;
  prefix: string;
  next: string;
}

const isEndOfMibV1 = (deps: WalkDeps, error: unknown): error is SnmpError =>
  deps.version === '1' && error instanceof SnmpError && error.status === 'NoSuchName';

/**
 * One request for the batch. SNMPv1 (RFC 1157): a GETNEXT past the last object fails the whole request
 * with noSuchName and the error-index of that varbind: that column is done, the others are asked again
 * without it. Without a usable error-index, each column is asked alone once.
 */
async function fetchRound(
  batch: Cursor[],
  repetitions: number,
  deps: WalkDeps,
): Promise<{ rows: Map<Cursor, snmp.Varbind[]>; ended: Set<Cursor> }> {
  const rows = new Map<Cursor, snmp.Varbind[]>();
  const ended = new Set<Cursor>();
  let ask = batch;
  while (ask.length > 0) {
    try {
      const got = await deps.fetch(
        ask.map((c) => c.next),
        repetitions,
      );
      for (const [i, c] of ask.entries()) rows.set(c, got[i] ?? []);
      return { rows, ended };
    } catch (error) {
      if (!isEndOfMibV1(deps, error)) throw error;
      const end = ask.length === 1 ? ask[0] : ask.find((c) => c.next === error.oid);
      if (end) {
        ended.add(end);
        ask = ask.filter((c) => c !== end);
        continue;
      }
      for (const c of ask) {
        try {
          rows.set(c, (await deps.fetch([c.next], repetitions))[0] ?? []);
        } catch (inner) {
          if (!isEndOfMibV1(deps, inner)) throw inner;
          ended.add(c);
        }
      }
      return { rows, ended };
    }
  }
  return { rows, ended };
}

/**
 * A GETBULK of more columns than the agent's varbind limit can be answered genErr instead of a
 * truncated response (snmpsim does: its max-varbinds over the repeaters leaves zero repetitions): for a
 * request of several varbinds that is asked again with fewer, like tooBig; for one varbind it stays the
 * agent's error (docs/snmp.md).
 */
const tooMany = (error: SnmpError, asked: number) =>
  asked > 1 && error.kind === 'refused' && error.status === 'GeneralError';

export async function walkColumns(
  columns: readonly string[],
  deps: WalkDeps,
): Promise<Map<string, SnmpValue>> {
  const out = new Map<string, SnmpValue>();
  let active: Cursor[] = columns.map((column) => ({ column, prefix: `${column}.`, next: column }));
  while (active.length > 0) {
    const limit = deps.size.value;
    const batch = active.slice(0, Math.min(active.length, limit));
    const repetitions = deps.version === '1' ? 1 : Math.max(1, Math.floor(limit / batch.length));
    let round: Awaited<ReturnType<typeof fetchRound>>;
    try {
      round = await fetchRound(batch, repetitions, deps);
    } catch (error) {
      const asked = batch.length * repetitions;
      if (!(error instanceof SnmpError && (error.kind === 'tooBig' || tooMany(error, asked)))) throw error;
      // Strictly fewer varbinds next time, or an error naming the OID when one alone is too big.
      deps.size.tooBig(asked, batch[0]!.next);
      continue;
    }
    deps.size.ok(batch.length * repetitions);
    const { rows, ended } = round;
    let progressed = false;
    for (const c of batch) {
      for (const vb of rows.get(c) ?? []) {
        if (snmp.isVarbindError(vb) || !vb.oid.startsWith(c.prefix)) {
          ended.add(c);
          break;
        }
        if (compareOids(vb.oid, c.next) <= 0)
          throw new SnmpError(
            'protocol',
            `the agent walked backwards in ${c.column}: ${vb.oid} after ${c.next}`,
          );
        const value = toValue(vb);
        if (value !== undefined) out.set(vb.oid, value);
        c.next = vb.oid;
        progressed = true;
      }
    }
    // A GETBULK response cut to the agent's message size (RFC 3416 4.2.3) may leave columns out: they
    // stay active and are asked again from where they were. A response with nothing at all cannot
    // make progress, and asking again would loop.
    if (!progressed && ended.size === 0)
      throw new SnmpError('protocol', `the agent returned no varbind for ${batch[0]!.next}`);
    if (ended.size > 0) active = active.filter((c) => !ended.has(c));
    if (out.size > MAX_WALK_VALUES)
      throw new SnmpError('protocol', `the walk of ${batch[0]!.column} exceeds ${MAX_WALK_VALUES} values`);
  }
  return out;
}
