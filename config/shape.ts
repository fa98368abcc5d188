import { isPlainObject, kindOf, Problem, showSafe } from './formats.ts';

/** What a schema item accepts, in words (for errors and the config reference). */
export function describeFormat(item: Record<string, unknown>): string {
  const { format, min, max, values, patternDoc, optional } = item;
  const opt = optional ? ' or empty' : '';
  const range = min !== undefined && max !== undefined ? ` ${min}..${max}` : '';
  switch (format) {
    case 'r2m-int':
      return `integer${range}${item.nullable ? ' or null' : ''}`;
    case 'r2m-number':
      return `number${range}${item.nullable ? ' or null' : ''}`;
    case 'r2m-bool':
      return 'true / false';
    case 'r2m-enum':
      return (values as unknown[]).map((v) => JSON.stringify(v)).join(', ');
    case 'r2m-host':
      return `hostname or IP${opt}`;
    case 'r2m-topic':
      return 'MQTT topic prefix';
    case 'r2m-mqtt-url':
      return 'mqtt(s):// or ws(s):// URL, or empty';
    case 'r2m-pdus':
      return 'an array of PDU objects';
    case 'r2m-outlets':
      return 'array of outlet numbers or "unit:outlet"';
    default: {
      const min = item.minLength ? `, ${item.minLength}+ characters` : '';
      return `${typeof patternDoc === 'string' ? patternDoc : 'string'}${min}${opt}`;
    }
  }
}

/**
 * Convict overlays values onto the schema without looking at their shape: a non-object where a section
 * belongs, or an object where a single value belongs, ends up as confusing "missing" or "unknown key"
 * reports. This names the key instead. `schema` is a convict schema definition (a node without
 * `default` is a section).
 */
export function shapeProblems(raw: Record<string, unknown>, schema: object, prefix = ''): Problem[] {
  const problems: Problem[] = [];
  for (const [key, node] of Object.entries(schema)) {
    const value = raw[key];
    if (!isPlainObject(node) || value === undefined) continue;
    const at = `${prefix}${key}`;
    if (!('default' in node)) {
      // A section may hold secrets: name what was given by its kind only.
      if (isPlainObject(value)) problems.push(...shapeProblems(value, node, `${at}.`));
      else problems.push(new Problem(`must be an object, got ${kindOf(value)}`, at));
    } else if (node.format === 'r2m-pdus' ? !Array.isArray(value) : isPlainObject(value)) {
      const given =
        node.format === 'r2m-pdus' || node.format === 'r2m-mqtt-url' ? kindOf(value) : showSafe(value, node);
      problems.push(new Problem(`must be ${describeFormat(node)}, got ${given}`, at));
    }
  }
  return problems;
}
