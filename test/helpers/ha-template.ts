/**
 * What Home Assistant renders from a value_template and a state payload, for the template forms
 * raritan2mqtt announces (tests only; HA uses Jinja2):
 *   {{ value_json.a.b }}
 *   {{ 'X' if <cond> else <expr> }}   where <expr> is a quoted literal, a parenthesised expression or
 *                                     another conditional, and <cond> is `value_json.path`,
 *                                     `value_json.path is none` or `value_json.path in ['a', 'b']`.
 * Truthiness as Jinja's: null, false, 0, '' and an empty list or object are false. A missing field is
 * Jinja's Undefined (false, and rendered as ''). Returns the rendered text; throws on any other form.
 */

const PATH = /^value_json((?:\.[A-Za-z_][A-Za-z0-9_]*)+)$/;

function lookup(json: unknown, path: string): unknown {
  let at: unknown = json;
  for (const key of path.slice(1).split('.')) {
    if (typeof at !== 'object' || at === null || !(key in at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/** Python's str() of a JSON value, as Jinja prints it. */
function show(v: unknown): string {
  if (v === undefined) return '';
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  return String(v);
}

function cond(text: string, json: unknown): boolean {
  const t = text.trim();
  const none = /^(\S+)\s+is\s+none$/.exec(t);
  if (none) return lookup(json, pathOf(none[1]!)) === null;
  const inList = /^(\S+)\s+in\s+\[(.*)\]$/.exec(t);
  if (inList) {
    const items = [...inList[2]!.matchAll(/'([^']*)'/g)].map((m) => m[1]);
    return items.includes(lookup(json, pathOf(inList[1]!)) as string);
  }
  return truthy(lookup(json, pathOf(t)));
}

function pathOf(text: string): string {
  const m = PATH.exec(text.trim());
  if (!m) throw new Error(`not a value_json path: ${text}`);
  return m[1]!;
}

function expr(text: string, json: unknown): string {
  const t = text.trim();
  if (t.startsWith('(') && t.endsWith(')')) return expr(t.slice(1, -1), json);
  const m = /^'([^']*)'\s+if\s+(.+?)\s+else\s+(.+)$/.exec(t);
  if (m) return cond(m[2]!, json) ? m[1]! : expr(m[3]!, json);
  const lit = /^'([^']*)'$/.exec(t);
  if (lit) return lit[1]!;
  return show(lookup(json, pathOf(t)));
}

export function renderTemplate(template: string, payload: string): string {
  const m = /^\{\{(.*)\}\}$/s.exec(template.trim());
  if (!m) throw new Error(`not a one-expression template: ${template}`);
  return expr(m[1]!, JSON.parse(payload));
}

/** The binary_sensor state HA shows: on, off, unknown ('None'), or the payload it would ignore. */
export function binaryState(component: Record<string, unknown>, payload: string): string {
  const out = renderTemplate(String(component.value_template), payload);
  if (out === String(component.payload_on ?? 'ON')) return 'on';
  if (out === String(component.payload_off ?? 'OFF')) return 'off';
  if (out === 'None') return 'unknown';
  return `ignored:${out}`;
}
