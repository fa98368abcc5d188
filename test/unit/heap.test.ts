import { describe, expect, it } from 'vitest';
import { tuneHeap } from '../../bridge/cli/heap.ts';

describe('tuneHeap', () => {
  it("leaves V8's heap growing factor alone when node's command line sets it", () => {
    expect(tuneHeap(['--heap-growing-percent=50'])).toBe(false);
    expect(tuneHeap(['--inspect', '--heap_growing_percent=10'])).toBe(false);
  });

  it('sets it otherwise', () => {
    expect(tuneHeap(['--max-old-space-size=512'])).toBe(true);
  });
});
