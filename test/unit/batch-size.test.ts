import { describe, expect, it } from 'vitest';
import { createBatchSize } from '../../bridge/snmp/batch-size.ts';
import { SnmpError } from '../../bridge/snmp/session.ts';

/** An agent that takes at most `fits` varbinds per request, asked with full batches. */
function run(start: number, fits: number, requests = 40) {
  const size = createBatchSize(start);
  const sent: number[] = [];
  let tooBig = 0;
  for (let i = 0; i < requests; i++) {
    const n = size.value;
    sent.push(n);
    if (n > fits) {
      tooBig++;
      size.tooBig(n, '1.3.6.1');
      // Strictly smaller right after a tooBig, never a repeat of the same request.
      expect(size.value).toBeLessThan(n);
    } else size.ok(n);
  }
  return { size, sent, tooBig };
}

describe('the learnt batch size', () => {
  it('finds exactly what the agent takes, in a few tooBig answers, and stays there', () => {
    for (let fits = 1; fits <= 60; fits++) {
      const r = run(60, fits);
      expect(r.size.value, `fits ${fits}`).toBe(fits);
      expect(r.tooBig).toBeLessThanOrEqual(12);
      // Converged: the last requests are all the same, accepted size.
      expect(r.sent.slice(-10)).toEqual(Array(10).fill(fits));
      // And it says so: the session pipelines its GETs only once nothing is left to probe.
      expect(r.size.settled, `fits ${fits}`).toBe(true);
    }
  });

  it('is settled until a tooBig, then not until the size is found', () => {
    const size = createBatchSize(60);
    expect(size.settled).toBe(true);
    size.tooBig(60, 'x');
    expect(size.settled).toBe(false);
    size.ok(30);
    expect(size.settled).toBe(false);
  });

  it('never goes above the size it started with', () => {
    const r = run(60, 500);
    expect(r.tooBig).toBe(0);
    expect(Math.max(...r.sent)).toBe(60);
  });

  it('fails with the OID when not even one varbind fits, after at most log2(start) + 1 requests', () => {
    const size = createBatchSize(60);
    let requests = 0;
    let error: unknown;
    try {
      for (;;) {
        requests++;
        size.tooBig(size.value, '1.3.6.1.2.1.1.1.0');
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SnmpError);
    expect((error as SnmpError).message).toContain('1.3.6.1.2.1.1.1.0');
    expect(requests).toBeLessThanOrEqual(7);
  });

  it('starts over from halving when a size that worked fails later (longer values)', () => {
    const size = createBatchSize(60);
    size.tooBig(60, 'x');
    size.ok(30);
    expect(size.value).toBe(45);
    size.ok(45);
    size.tooBig(52, 'x');
    size.tooBig(40, 'x');
    expect(size.value).toBeLessThan(40);
    expect(size.value).toBeGreaterThanOrEqual(1);
  });
});
