import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_HEADER, csvText } from '../../bridge/history/csv.ts';
import { createHistory, type History } from '../../bridge/history/history.ts';
import { silentLogger } from '../../bridge/log.ts';
import { reading } from '../../bridge/sim/synthetic.ts';

/**
 * CSV cells a spreadsheet would evaluate (OWASP "CSV injection"): every text cell is neutralised,
 * every number stays a number. Through the real history on a real SQLite file.
 */

const dir = mkdtempSync(join(tmpdir(), 'r2m-history-csv-'));
const END = Date.UTC(2025, 4, 20, 15, 7);
let h: History;

/** RFC 4180 as a spreadsheet reads it: quoted fields may hold commas, quotes ("") and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  return rows;
}

/** What Excel and LibreOffice evaluate: a cell starting with one of these. */
const FORMULA_START = /^[=+\-@\t\r]/;

const NAMES = [
  '=1+2',
  '+SUM(A1:A9)',
  '-2+3',
  '@SUM(A1)',
  '\t=1+2',
  '\r=1+2',
  '=HYPERLINK("http://x.example","click")',
  "-cmd|' /C calc'!A0",
  'a;=1+2',
  'rack, "left"',
  '-5',
  'NAS',
];

beforeAll(async () => {
  h = createHistory({ path: join(dir, 'csv.db'), log: silentLogger, now: () => END });
  h.start();
  const outlets = NAMES.map((name, i) => ({ name, label: i === 0 ? '=label' : String(i + 1), power: 5 }));
  expect(h.record(reading('pdu1', END - 60_000, outlets)).ok).toBe(true);
  expect(h.record(reading('pdu1', END, outlets)).ok).toBe(true);
});
afterAll(async () => {
  await h.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function exportText(q: Parameters<History['exportCsv']>[0]): Promise<string> {
  let text = '';
  for await (const chunk of h.exportCsv(q)) text += chunk;
  return text;
}

describe('CSV cells a spreadsheet would run as a formula', () => {
  it('get a leading apostrophe in every text cell, and quotes where a separator could split them', () => {
    expect(csvText('=1+2')).toBe("'=1+2");
    expect(csvText('+1')).toBe("'+1");
    expect(csvText('-2+3')).toBe("'-2+3");
    expect(csvText('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvText('\t=1')).toBe('"\'\t=1"');
    expect(csvText('\r=1')).toBe('"\'\r=1"');
    // A semicolon is the separator of Excel in many locales: quoted, the cell after it is not a formula.
    expect(csvText('a;=1+2')).toBe('"a;=1+2"');
    expect(csvText('=a,"b"')).toBe('"\'=a,""b"""');
    expect(csvText('NAS')).toBe('NAS');
    expect(csvText('')).toBe('');
    expect(csvText('1=1')).toBe('1=1');
  });

  it('leave no exported name or label that a spreadsheet would evaluate', async () => {
    const text = await exportText({ pdu: 'pdu1', period: 'hour', view: 'ports' });
    expect(text.startsWith(CSV_HEADER)).toBe(true);
    const rows = parseCsv(text).slice(1);
    expect(rows.length).toBe(2 * NAMES.length);
    const name = CSV_HEADER.split(',').indexOf('name');
    const label = CSV_HEADER.split(',').indexOf('label');
    for (const row of rows) {
      expect(row).toHaveLength(11);
      for (const cell of [row[label] ?? '', row[name] ?? ''])
        expect(FORMULA_START.test(cell), JSON.stringify(cell)).toBe(false);
    }
    // The text itself survives, behind the apostrophe a spreadsheet hides.
    const names = rows.slice(0, NAMES.length).map((r) => r[name]);
    expect(names).toEqual(NAMES.map((n) => (FORMULA_START.test(n) ? `'${n}` : n)));
    expect(rows[0]?.[label]).toBe("'=label");
  });

  it('leave numbers as numbers, a negative one included', async () => {
    // A negative energy in a rollup (a bad counter step recorded by an older build): still a number.
    const db = h.db();
    const pdu = db.prepare("SELECT id FROM pdu WHERE key = 'pdu1'").pluck().get() as number;
    const bucket = Math.floor((END - 3600_000) / 900_000) * 900;
    db.prepare(
      "INSERT OR REPLACE INTO rollup_15m (pdu, ts, n, ps, pn, px, e, est, outlets) VALUES (?, ?, 1, -50, -50, -50, -2500, 0, x'')",
    ).run(pdu, bucket);
    const text = await exportText({ pdu: 'pdu1', period: 'day', view: 'total', resolution: '15m' });
    const row = parseCsv(text).find((r) => r[0] === new Date(bucket * 1000).toISOString());
    expect(row?.slice(5)).toEqual(['-5', '-5', '-5', '-0.0025', '1', '0']);
    expect(text).toContain(',-5,-5,-5,-0.0025,1,0\n');
  });
});
