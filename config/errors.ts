import type { Problem } from './formats.ts';

/** One thing wrong with the configuration: the key (`pdus[1].host`, `mqtt.port (R2M_MQTT_PORT)`) and why. */
export interface ConfigIssue {
  readonly key: string;
  readonly reason: string;
}

/**
 * Thrown by loadConfig and requirePdus. The message is one line, `config: <key>: <reason>`, naming the
 * first issue (and how many more there are); `issues` has them all. Never carries a secret value.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly key: string;
  readonly reason: string;
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const first = issues[0] ?? { key: 'config', reason: 'invalid' };
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(`config: ${first.key}: ${first.reason}${more}`);
    this.key = first.key;
    this.reason = first.reason;
    this.issues = issues;
  }

  static of(key: string, reason: string): ConfigError {
    return new ConfigError([{ key, reason }]);
  }
}

const UNDECLARED = /^configuration param '(.*)' not declared in the schema$/;
const MISSING = /^configuration param '(.*)' missing from config/;

/**
 * Turns what a failed convict validate left behind into issues: the Problems our formats threw (with
 * the key convict attached), plus convict's own unknown-key and missing-key lines. Unknown keys come
 * first: a misspelt key is usually why another value is not what the user expected.
 */
export function issuesFromConvict(problems: readonly Problem[], error: Error, prefix = ''): ConfigIssue[] {
  const unknown: ConfigIssue[] = [];
  const other: ConfigIssue[] = problems.map((p) => ({
    key: p.key ?? `${prefix}${p.fullName ?? '?'}`,
    reason: p.message,
  }));
  for (const line of error.message.split('\n')) {
    const undeclared = UNDECLARED.exec(line);
    const missing = MISSING.exec(line);
    if (undeclared) unknown.push({ key: `${prefix}${undeclared[1]}`, reason: 'unknown key' });
    else if (missing)
      other.push({ key: `${prefix}${missing[1]}`, reason: 'missing (its parent is not an object)' });
  }
  const issues = [...unknown, ...other];
  // A validate error that is none of the above (should not happen) is still reported, not swallowed.
  return issues.length > 0 ? issues : [{ key: prefix.replace(/\.$/, '') || 'config', reason: error.message }];
}
