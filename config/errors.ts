/** One thing wrong with the configuration: the key (`pdus[1].host`, `mqtt.port (R2M_MQTT_PORT)`) and why. */
export interface ConfigIssue {
  readonly key: string;
  readonly reason: string;
}

/**
 * Thrown by loadConfig and requirePdus. The message is one line, `config: <key>: <reason>`, naming the
 * first issue (and how many more there are); `issues` has them all, `lines()` one line each. Never
 * carries a secret value.
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

  /** Every issue, one line each in the same form (the CLI prints them all). */
  lines(): string[] {
    return this.issues.map((issue) => `config: ${issue.key}: ${issue.reason}`);
  }

  static of(key: string, reason: string): ConfigError {
    return new ConfigError([{ key, reason }]);
  }
}
