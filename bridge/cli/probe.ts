import { type Command, InvalidArgumentError, Option } from 'commander';
import { udpPortRefused } from '../snmp/reachable.ts';
import { createPduReader, describeReadError } from '../snmp/reader.ts';
import type { SnmpTarget } from '../snmp/session.ts';
import { formatReading, readingJson } from './format.ts';

/**
 * `raritan2mqtt probe`: read one PDU once and print what the bridge would publish. A user's first check
 * of a new install, so every failure ends in one sentence that says what to look at.
 */

interface ProbeOptions {
  host: string;
  port: number;
  version: '1' | '2c' | '3';
  community: string;
  v3User?: string;
  authProtocol: 'sha' | 'sha256';
  authKey?: string;
  privKey?: string;
  timeout: number;
  retries: number;
  json?: boolean;
}

export function intArg(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`must be an integer ${min}..${max}`);
    return n;
  };
}

export function probeTarget(o: ProbeOptions): SnmpTarget {
  const base = { host: o.host, port: o.port, timeout: o.timeout, retries: o.retries };
  if (o.version !== '3') return { ...base, version: o.version, community: o.community };
  if (!o.v3User) throw new InvalidArgumentError('SNMPv3 needs --v3-user');
  const level = o.privKey ? 'authPriv' : o.authKey ? 'authNoPriv' : 'noAuthNoPriv';
  return {
    ...base,
    version: '3',
    v3: {
      user: o.v3User,
      level,
      authProtocol: o.authProtocol,
      authKey: o.authKey,
      privProtocol: 'aes',
      privKey: o.privKey,
    },
  };
}

export async function probe(
  o: ProbeOptions,
  out: (text: string) => void = (t) => process.stdout.write(t),
  err: (text: string) => void = (t) => process.stderr.write(t),
): Promise<number> {
  const fail = (message: string) => {
    // With --json, a script reads stdout: the failure is a JSON object there too (and a line on stderr).
    if (o.json) out(`${JSON.stringify({ error: message })}\n`);
    err(`probe: ${message}\n`);
    return 1;
  };
  let target: SnmpTarget;
  try {
    target = probeTarget(o);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  const reader = createPduReader({ source: 'probe', target, layoutRefreshMs: Number.POSITIVE_INFINITY });
  try {
    // A closed port answers nothing over SNMP; the host's ICMP says so at once (see reachable.ts).
    const refused = udpPortRefused(target.host, target.port).then((closed) =>
      closed ? Promise.reject(new PortClosed()) : new Promise<never>(() => {}),
    );
    const result = await Promise.race([reader.read(), refused]);
    if (o.json) {
      out(
        `${JSON.stringify({ units: result.units.map(readingJson), requests: result.requests, problems: result.problems }, null, 2)}\n`,
      );
    } else {
      out(`${result.units.map(formatReading).join('\n\n')}\n\n${result.requests} SNMP requests\n`);
      for (const p of result.problems) out(`warning: ${p}\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof PortClosed)
      return fail(
        `nothing listens on ${target.host}:${target.port} (UDP port closed): is SNMP enabled on the PDU, and the port right?`,
      );
    return fail(describeReadError(error, target));
  } finally {
    reader.close();
  }
}

class PortClosed extends Error {}

export function registerProbe(program: Command): void {
  program
    .command('probe')
    .description('read one PDU once and print the decoded reading (a first check of a new install)')
    .requiredOption('--host <host>', 'PDU host name or IP address')
    .option('--port <port>', 'SNMP port', intArg(1, 65535), 161)
    .addOption(new Option('--version <v>', 'SNMP version').choices(['1', '2c', '3']).default('2c'))
    .option('--community <c>', 'SNMP v1/v2c read community', 'public')
    .option('--v3-user <user>', 'SNMPv3 user (implies --version 3)')
    .addOption(
      new Option('--auth-protocol <p>', 'SNMPv3 auth protocol').choices(['sha', 'sha256']).default('sha'),
    )
    .option('--auth-key <key>', 'SNMPv3 auth key (authNoPriv or authPriv)')
    .option('--priv-key <key>', 'SNMPv3 AES-128 privacy key (authPriv)')
    .option('--timeout <ms>', 'timeout per request, ms', intArg(100, 60_000), 3000)
    .option('--retries <n>', 'retries after a timeout', intArg(0, 10), 1)
    .option('--json', 'print the reading as JSON ({ units, requests, problems }; { error } on failure)')
    .action(async (opts: ProbeOptions) => {
      if (opts.v3User) opts.version = '3';
      const code = await probe(opts);
      // A request abandoned for a closed port still holds its timer in net-snmp: exit once the output
      // is flushed rather than wait it out.
      process.stdout.write('', () => process.exit(code));
    });
}
