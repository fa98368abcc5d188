import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_HEADER } from '../../bridge/history/csv.ts';
import type { History } from '../../bridge/history/history.ts';
import { type BridgeStack, startBridgeStack } from '../../support/bridge-stack.ts';

/**
 * Long CSV exports share the event loop with the pollers: each page of rows waits for a turn of the
 * loop, so twenty exports of a year never hold a poll back until they are done. Asserted by order
 * (what ran before what), never by a duration.
 */

const PDU = 'pdu1';
/** A year of 15-minute buckets of the inlet, all inside the rolling year the export reads. */
const YEAR_ROWS = 365 * 96 - 1;
let stack: BridgeStack;
let history: History;
/** The history's own export, unobserved. */
let exportCsv: History['exportCsv'];
/**
 * Pages the HTTP exports have produced so far, pages built without a turn of the event loop since the
 * previous page of the same export, and how many exports have produced their last page.
 */
const produced = { pages: 0, unturned: 0, finished: 0 };

beforeAll(async () => {
  // The whole bridge on the simulated PDU; its first poll has created the PDU in the history.
  // The agent answers from this same process, which twenty exports keep busy: a poll may take its
  // time (the order is asserted, not a duration), so a generous SNMP timeout.
  stack = await startBridgeStack({ days: 0, pollInterval: 3600, snmpTimeout: 30_000 });
  history = stack.bridge.history;

  // A generated year of 15-minute rollups of the inlet (no outlets packed), written straight into the
  // rollup table.
  const db = history.db();
  const id = db.prepare('SELECT id FROM pdu WHERE key = ?').pluck().get(PDU) as number;
  const end = Math.floor(Date.now() / 900_000) * 900;
  db.prepare(
    `WITH RECURSIVE b(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM b WHERE i < ?)
     INSERT OR REPLACE INTO rollup_15m (pdu, ts, n, ps, pn, px, e, est, outlets)
     SELECT ?, ? - i * 900, 15, 15 * (3000 + i % 500), 2900, 3600, 750000, 0, x'' FROM b`,
  ).run(YEAR_ROWS, id, end);

  // The real history, observed where the HTTP server asks it: count the pages every export yields,
  // and every page that was built without a turn of the event loop since the one before it (an
  // immediate queued in between).
  exportCsv = history.exportCsv.bind(history);
  (history as { exportCsv: History['exportCsv'] }).exportCsv = (q) => {
    const chunks = exportCsv(q);
    return (async function* () {
      let turned = true;
      for await (const chunk of chunks) {
        produced.pages++;
        if (!turned) produced.unturned++;
        turned = false;
        setImmediate(() => {
          turned = true;
        });
        yield chunk;
      }
      produced.finished++;
    })();
  };
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

/** The inlet's 15-minute buckets: the generated year plus those of the live polls. */
const buckets = () => history.db().prepare('SELECT count(*) FROM rollup_15m').pluck().get() as number;

describe('a long CSV export', () => {
  it('lets the event loop turn between its pages', async () => {
    let turned = true;
    let pages = 0;
    let rows = 0;
    for await (const chunk of exportCsv({ pdu: PDU, period: 'year', resolution: '15m' })) {
      // An immediate queued after the previous page must have run before this page was built.
      expect(turned, `page ${pages}`).toBe(true);
      turned = false;
      setImmediate(() => {
        turned = true;
      });
      pages++;
      rows += chunk.toString().split('\n').length - 1;
    }
    // The header, the generated year and the bucket of the live poll.
    expect(rows).toBe(1 + buckets());
    expect(pages).toBeGreaterThan(10);
  });

  it('twenty concurrent year exports over HTTP: a poll asked for meanwhile completes before they do', async () => {
    const bucketsBefore = buckets();
    Object.assign(produced, { pages: 0, unturned: 0, finished: 0 });
    const exports = Array.from({ length: 20 }, async () => {
      const r = await fetch(`${stack.url}/api/export-data?period=year&resolution=15m&view=total`);
      expect(r.status).toBe(200);
      return r.text();
    });
    // Every export is under way (its header is out) before the poll is asked for.
    while (produced.finished === 0 && produced.pages < 20) await new Promise((r) => setImmediate(r));
    const before = produced.finished;
    const poller = stack.bridge.pollers[0];
    if (!poller) throw new Error('no poller');
    const result = await poller.pollNow();
    const finishedAtPoll = produced.finished;
    expect(result.ok).toBe(true);
    expect(before).toBe(0);
    expect(finishedAtPoll).toBeLessThan(20);

    const texts = await Promise.all(exports);
    expect(produced.finished).toBe(20);
    expect(produced.unturned).toBe(0);
    expect(produced.pages).toBeGreaterThan(20 * 30);
    for (const text of texts) {
      expect(text.startsWith(CSV_HEADER)).toBe(true);
      // The poll during the exports may have opened a new bucket: some exports include it.
      const rows = text.split('\n').length - 2;
      expect(rows).toBeGreaterThanOrEqual(bucketsBefore);
      expect(rows).toBeLessThanOrEqual(buckets());
    }
  }, 120_000);
});
