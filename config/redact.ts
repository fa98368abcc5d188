import type { Config, PduConfig, SnmpV3Config } from './types.ts';

/** What a secret is replaced with. */
export const REDACTED = '[redacted]';

const hide = (value: string | null): string | null => (value === null ? null : REDACTED);

function hideV3(v3: SnmpV3Config | null): SnmpV3Config | null {
  return v3 && { ...v3, authKey: v3.authKey && REDACTED, privKey: v3.privKey && REDACTED };
}

/** The password of `mqtt://user:password@host` is a secret too. */
function hideUrlPassword(url: string | null): string | null {
  if (url === null) return null;
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = REDACTED;
    return parsed.toString();
  } catch {
    return REDACTED;
  }
}

function redactPdu(pdu: PduConfig): PduConfig {
  return {
    ...pdu,
    community: REDACTED,
    writeCommunity: hide(pdu.writeCommunity),
    v3: hideV3(pdu.v3),
    writeV3: hideV3(pdu.writeV3),
  };
}

/**
 * A deep copy for logs and the HTTP API with every secret (communities, v3 keys, passwords, token,
 * the HTTP username, a password inside the MQTT URL) replaced by '[redacted]'. Unset secrets stay
 * null / '' so that "is a write community configured?" can still be answered.
 */
export function redactConfig(config: Config): Config {
  return structuredClone({
    ...config,
    pdus: config.pdus.map(redactPdu),
    mqtt: { ...config.mqtt, url: hideUrlPassword(config.mqtt.url), password: hide(config.mqtt.password) },
    http: {
      ...config.http,
      token: hide(config.http.token),
      username: hide(config.http.username),
      password: hide(config.http.password),
    },
  });
}
