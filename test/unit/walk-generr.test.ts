import snmp from 'net-snmp';
import { describe, expect, it } from 'vitest';
import { createBatchSize } from '../../bridge/snmp/batch-size.ts';
import { walkColumns } from '../../bridge/snmp/walk.ts';
import { SnmpError } from '../../bridge/snmp/wire.ts';

/**
 * A GETBULK of more columns than an agent's varbind limit, answered genErr as snmpsim does (the real
 * walk through snmpsim is test/integration/reader-snmpsim.test.ts): asked again with fewer, every value
 * arrives; a genErr to a single varbind stays the agent's error.
 */

const COLUMNS = Array.from({ length: 10 }, (_, i) => `1.3.6.1.4.1.99.${i + 1}`);
const ROWS = 3;
const genErr = () => new SnmpError('refused', 'the agent refused the request (GeneralError)', 'GeneralError');

/** An agent of COLUMNS × ROWS integers that refuses a GETBULK asking for more than `limit` varbinds. */
function agent(limit: number) {
  const calls: number[] = [];
  const fetch = async (oids: string[], repetitions: number): Promise<snmp.Varbind[][]> => {
    calls.push(oids.length * repetitions);
    if (oids.length * repetitions > limit) throw genErr();
    return oids.map((oid) => {
      const column = COLUMNS.find((c) => oid === c || oid.startsWith(`${c}.`))!;
      const next = oid === column ? 1 : Number(oid.slice(column.length + 1)) + 1;
      const out: snmp.Varbind[] = [];
      for (let r = next; r < next + repetitions; r++)
        out.push(
          r <= ROWS
            ? { oid: `${column}.${r}`, type: snmp.ObjectType.Integer, value: r }
            : { oid: '1.3.6.1.4.1.100', type: snmp.ObjectType.Integer, value: 0 },
        );
      return out;
    });
  };
  return { fetch, calls };
}

describe('walking more columns than the agent takes in one GETBULK', () => {
  it('asks again with fewer varbinds after a genErr, and gets every value', async () => {
    const a = agent(4);
    const values = await walkColumns(COLUMNS, { version: '2c', size: createBatchSize(60), fetch: a.fetch });
    expect(values.size).toBe(COLUMNS.length * ROWS);
    expect(a.calls[0]).toBe(60);
    expect(a.calls.at(-1)!).toBeLessThanOrEqual(4);
  });

  it('keeps the genErr of a single varbind as the agent refusing it', async () => {
    const a = agent(0);
    await expect(
      walkColumns([COLUMNS[0]!], { version: '2c', size: createBatchSize(1), fetch: a.fetch }),
    ).rejects.toThrow(/GeneralError/);
  });
});
