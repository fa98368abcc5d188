import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the daemon's heap grow past what survived the last full GC (docs/architecture.md,
 * "Memory"). At 200 PDUs (7,200 outlets) a heap snapshot holds ~61 MB live, yet the heap reached
 * ~200 MB: the GC is cheap next to a poller's allocation, so V8 picks its largest growing factor (up
 * to 4× on a machine with more than 2 GB), and each cycle's replaced readings and payloads (~2 MB/s
 * promoted) pile up until the next full GC. A fixed 30 % keeps the heap within ~1.3× the live data,
 * whatever the number of PDUs (unlike --max-old-space-size, a ceiling that would crash a large site),
 * for a full GC every few seconds of ~25 ms (measured: CPU 0.15–0.18 core either way).
 */
export const HEAP_GROWING_PERCENT = 30;

/** The V8 flag the user passed (node --heap-growing-percent=…, which NODE_OPTIONS cannot carry). */
const userSet = (execArgv: readonly string[]) =>
  execArgv.some((a) => /^--heap[-_]growing[-_]percent/.test(a));

/**
 * Sets the heap growing factor for a long-running bridge, unless the user chose one on node's command
 * line. The flag is read each time V8 computes the next heap limit, so setting it at start is enough.
 */
export function tuneHeap(execArgv: readonly string[] = process.execArgv): boolean {
  if (userSet(execArgv)) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
