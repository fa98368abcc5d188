/**
 * What may be asked of an outlet, as pure rules: a valid name, whether it may be switched, the
 * parsing of an outlet number and a switch action. The command module (bridge/commands.ts) applies
 * them to every request; Home Assistant discovery asks switchRefusal where to offer a switch, so the
 * entities offered and the commands accepted never disagree (docs/commands.md).
 */

export type SwitchAction = 'on' | 'off' | 'cycle';

/** HA's text entity caps state at 255 characters (MAX_LENGTH_STATE_STATE); DisplayString too (RFC 2579). */
export const NAME_HARD_LIMIT = 255;

// Printable: letters, marks, numbers, punctuation, symbols and plain spaces. Excludes control (Cc),
// format (Cf, e.g. bidi overrides), surrogates, private use, unassigned and line/paragraph separators.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]*$/u;

/** Validates a new outlet name. Returns the (trimmed) name or an error message. */
export function validateName(
  name: unknown,
  maxLength: number,
): { ok: true; name: string } | { ok: false; error: string } {
  if (typeof name !== 'string') return { ok: false, error: 'name must be a string' };
  // Empty clears the name: an empty outletName is the PDU's own "no name" (the outlet then goes by its
  // label), and what Home Assistant's text entity sends when a user deletes the text.
  const trimmed = name.trim();
  if (!PRINTABLE.test(trimmed)) return { ok: false, error: 'name must contain printable characters only' };
  const limit = Math.min(maxLength, NAME_HARD_LIMIT);
  // outletName is an OCTET STRING on the wire: the PDU counts bytes, not characters.
  const bytes = Buffer.byteLength(trimmed, 'utf8');
  if (bytes > limit) return { ok: false, error: `name is too long (${bytes} bytes, at most ${limit})` };
  return { ok: true, name: trimmed };
}

/** What decides whether an outlet may be switched: the PDU's config and what the PDU reports. */
export interface SwitchPolicy {
  allowSwitching: boolean;
  canWrite: boolean;
  protectedOutlets: ReadonlySet<number>;
}

/**
 * Why outlet `outlet` of `pdu` must not be switched, or undefined when it may. The one rule: Home
 * Assistant gets a switch and a cycle entity exactly where this says yes (bridge/mqtt/discovery.ts),
 * and every switch command, from MQTT or HTTP, is refused where it says no (docs/commands.md).
 */
export function switchRefusal(
  pdu: string,
  policy: SwitchPolicy,
  outlet: number,
  switchable: boolean,
): string | undefined {
  if (!policy.allowSwitching) return `switching is disabled for ${pdu} (allowSwitching is off)`;
  if (policy.protectedOutlets.has(outlet))
    return `outlet ${outlet} of ${pdu} is protected (protectedOutlets): it is never switched`;
  if (!switchable)
    return `outlet ${outlet} of ${pdu} is not switchable: the PDU does not report it so (outletSwitchable)`;
  if (!policy.canWrite) return `no write credentials configured for ${pdu}: the outlet was not switched`;
  return undefined;
}

/** The outlets of one unit that the PDU's protectedOutlets list names. */
export function protectedOf(
  pdu: { protectedOutlets: readonly { unit: number; outlet: number }[] },
  unit: number,
): ReadonlySet<number> {
  return new Set(pdu.protectedOutlets.filter((p) => p.unit === unit).map((p) => p.outlet));
}

/** An outlet number from a command (a number or a string of digits), or why it is not one. */
export function parseOutlet(outlet: unknown, count: number): number | string {
  const n = typeof outlet === 'string' && /^\d{1,4}$/.test(outlet) ? Number(outlet) : outlet;
  if (typeof n !== 'number' || !Number.isInteger(n)) return 'outlet must be an integer';
  if (n < 1 || n > count) return `unknown outlet ${n} (the PDU has outlets 1..${count})`;
  return n;
}

/** on, off or cycle, in any case; undefined for anything else. */
export function parseAction(action: unknown): SwitchAction | undefined {
  if (typeof action !== 'string') return undefined;
  const a = action.trim().toLowerCase();
  return a === 'on' || a === 'off' || a === 'cycle' ? a : undefined;
}
