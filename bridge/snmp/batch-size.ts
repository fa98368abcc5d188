import { SnmpError } from './wire.ts';

/**
 * The varbinds per request an agent accepts, learnt from its tooBig answers (docs/snmp.md). After a
 * tooBig the next request is strictly smaller: half of it, or halfway down to the largest size that
 * has worked. After a success the size probes halfway up to the smallest size that failed, so a PX3's
 * ~46 varbinds are found instead of the 30 that halving from 60 would leave. Both bounds only move
 * towards each other, so the tooBig answers a session ever sees are few (about 2 · log2 of the start).
 */

export interface BatchSize {
  /** Varbinds to put in the next request. */
  readonly value: number;
  /** The agent answered tooBig to `size` varbinds starting at `oid`; throws when `size` is 1. */
  tooBig(size: number, oid: string): void;
  /** A request of `size` varbinds was answered. */
  ok(size: number): void;
  /** No probing left to do: never a tooBig, or the largest size that worked is next to one that failed. */
  readonly settled: boolean;
}

export function createBatchSize(start: number): BatchSize {
  let value = Math.max(1, Math.floor(start));
  let worked = 0;
  let failed = Number.POSITIVE_INFINITY;
  return {
    get value() {
      return value;
    },
    get settled() {
      return !Number.isFinite(failed) || failed - worked <= 1;
    },
    tooBig(size, oid) {
      if (size <= 1)
        throw new SnmpError(
          'tooBig',
          `the agent answers tooBig even for the single varbind ${oid}: its message size is too small for it`,
          'TooBig',
          oid,
        );
      failed = Math.min(failed, size);
      // Responses differ in size (names are longer than numbers): a size that once worked may fail.
      if (worked >= failed) worked = 0;
      const next = worked > 0 ? Math.floor((worked + failed) / 2) : Math.floor(size / 2);
      value = Math.max(1, Math.min(next, size - 1, value));
    },
    ok(size) {
      worked = Math.max(worked, size);
      // Never above the start: without a tooBig there is nothing to probe towards.
      if (size >= value && Number.isFinite(failed) && failed - worked > 1)
        value = Math.floor((worked + failed) / 2);
    },
  };
}
