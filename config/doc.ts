import { isPlainObject } from './formats.ts';
import { pduSchema } from './pdu-schema.ts';
import { schema } from './schema.ts';
import { describeFormat } from './shape.ts';
import { SINGLE_PDU_ENV, SINGLE_PDU_SECRETS } from './single-pdu.ts';

/** One row of the configuration reference, generated from the schema (never written by hand). */
export interface KeyDoc {
  key: string;
  env: string;
  /** Markdown: a value in backticks, *(required)*, or empty (unset, or a secret). */
  default: string;
  allowed: string;
  doc: string;
  sensitive: boolean;
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const code = (text: string): string => (text === '' ? '' : `\`${text}\``);

function walk(node: object, prefix: string, rows: KeyDoc[]): KeyDoc[] {
  for (const [name, child] of Object.entries(node)) {
    if (!isPlainObject(child)) continue;
    const key = `${prefix}${name}`;
    if (!('default' in child)) {
      walk(child, `${key}.`, rows);
      continue;
    }
    const sensitive = child.sensitive === true;
    const value = child.default;
    const shown = value === null ? (child.nullable ? '`null`' : '*(required)*') : code(JSON.stringify(value));
    rows.push({
      key,
      env: typeof child.env === 'string' ? child.env : '',
      default: sensitive || value === '' ? '' : shown,
      allowed: describeFormat(child),
      doc: String(child.doc ?? ''),
      sensitive,
    });
  }
  return rows;
}

/** Every key of the file (PDU keys as `pdus[].…`), then the single-PDU environment variables. */
export function configKeys(): KeyDoc[] {
  const rows = walk(schema, '', []);
  const at = rows.findIndex((row) => row.key === 'pdus') + 1;
  rows.splice(at, 0, ...walk(pduSchema, 'pdus[].', []));
  for (const row of SINGLE_PDU_ENV) {
    const sensitive = SINGLE_PDU_SECRETS.has(row.env);
    rows.push({
      key: `pdus[].${row.field} (single PDU)`,
      env: row.env,
      default: sensitive || row.default === '' ? '' : code(row.default),
      allowed: row.field === 'port' ? 'integer 1..65535' : 'string',
      doc: row.doc,
      sensitive,
    });
  }
  return rows;
}

/** The Markdown reference table for the README. */
export function configDocMarkdown(): string {
  const lines = ['| Key | Env | Default | Allowed | Description |', '|---|---|---|---|---|'];
  for (const row of configKeys()) {
    const doc = row.sensitive ? `${row.doc} Secret: never logged.` : row.doc;
    lines.push(`| ${[code(row.key), code(row.env), row.default, row.allowed, doc].map(cell).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
