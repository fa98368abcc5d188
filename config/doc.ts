import { FORMATS } from './formats.ts';
import { schema } from './schema.ts';
import { SINGLE_PDU_DOC } from './single-pdu.ts';
import { leaves, type Section } from './spec.ts';

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

function rows(section: Section, prefix: string): KeyDoc[] {
  return [...leaves(section, prefix)].flatMap(([key, leaf]) => {
    const sensitive = leaf.sensitive === true;
    const value = leaf.default;
    const shown = value === null ? (leaf.nullable ? '`null`' : '*(required)*') : code(JSON.stringify(value));
    const row: KeyDoc = {
      key,
      env: leaf.env ?? '',
      default: sensitive || value === '' ? '' : shown,
      allowed: FORMATS[leaf.format].describe(leaf),
      doc: leaf.doc,
      sensitive,
    };
    // A list's element keys follow the list (pdus[].id, …).
    return leaf.items ? [row, ...rows(leaf.items, `${key}[].`)] : [row];
  });
}

/** Every key of the file, PDU keys as `pdus[].…`, with its variable (a PDU's: the single PDU's). */
export function configKeys(): KeyDoc[] {
  return rows(schema, '');
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

/** The README's generated section: the rules that come with the keys, then the table. */
export function configReferenceMarkdown(): string {
  const unknown =
    'Every unknown key is an error, each one named (with the closest known key when there is one); an ' +
    '`R2M_*` variable that sets nothing is a warning at start-up (with the closest real variable).';
  return `${SINGLE_PDU_DOC}\n\n${unknown}\n\n${configDocMarkdown()}`;
}
