import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Throwaway TLS material and Mosquitto password files for external-broker tests, made at test time
 * with Debian's `openssl` and `mosquitto_passwd` (nothing secret or long-lived is kept in the repo).
 */

export const OPENSSL = '/usr/bin/openssl';
export const MOSQUITTO_PASSWD = '/usr/bin/mosquitto_passwd';
export const hasOpenssl = existsSync(OPENSSL);
export const hasMosquittoPasswd = existsSync(MOSQUITTO_PASSWD);
export const opensslSkipMessage = `${OPENSSL} not found: apt-get install -y --no-install-recommends openssl`;
export const mosquittoPasswdSkipMessage = `${MOSQUITTO_PASSWD} not found: apt-get install -y --no-install-recommends mosquitto`;

export interface TestCa {
  /** PEM certificate of the CA, to trust. */
  caFile: string;
  caKey: string;
}

export interface ServerCert {
  certFile: string;
  keyFile: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync(OPENSSL, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A self-signed CA valid for a day, `<name>.pem` and `<name>.key` in `dir`. */
export function makeCa(dir: string, name = 'ca'): TestCa {
  const caFile = join(dir, `${name}.pem`);
  const caKey = join(dir, `${name}.key`);
  openssl(
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', caKey, '-out', caFile, '-days', '1', '-subj', `/CN=raritan2mqtt test ${name}`],
    ],
    dir,
  );
  return { caFile, caKey };
}

/**
 * A server certificate signed by `ca` for localhost and 127.0.0.1: Node checks the name against the
 * subjectAltName (never the CN), so both must be there for either URL to verify.
 */
export function makeServerCert(dir: string, ca: TestCa, name = 'server'): ServerCert {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.pem`);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(
    ext,
    [
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      'basicConstraints=CA:FALSE',
      'keyUsage=digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  openssl(
    [
      ...['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', keyFile, '-out', csr, '-subj', '/CN=localhost'],
    ],
    dir,
  );
  openssl(
    [
      ...['x509', '-req', '-in', csr, '-CA', ca.caFile, '-CAkey', ca.caKey, '-CAcreateserial'],
      ...['-out', certFile, '-days', '1', '-extfile', ext],
    ],
    dir,
  );
  return { certFile, keyFile };
}

/** The CA certificate in DER (binary) form, the wrong format for `mqtt.ca`: a user's likely mistake. */
export function caAsDer(dir: string, ca: TestCa): string {
  const der = join(dir, 'ca.der');
  openssl(['x509', '-in', ca.caFile, '-outform', 'DER', '-out', der], dir);
  return der;
}

/** The lines that turn a Mosquitto listener into a TLS one with this certificate. */
export function tlsListenerLines(ca: TestCa, cert: ServerCert): string[] {
  return [`cafile ${ca.caFile}`, `certfile ${cert.certFile}`, `keyfile ${cert.keyFile}`];
}

/**
 * Mosquitto started as root drops to the `mosquitto` user before it reads its key files and password
 * file: a 0700 temp dir or a 0600 key is then "Permission denied". These files are throwaway.
 */
export function readableByMosquitto(dir: string): void {
  chmodSync(dir, 0o755);
  for (const f of readdirSync(dir)) chmodSync(join(dir, f), 0o644);
}

/** A Mosquitto password file with one user (`mosquitto_passwd -b -c`). */
export function makePasswordFile(dir: string, username: string, password: string): string {
  const file = join(dir, 'passwd');
  execFileSync(MOSQUITTO_PASSWD, ['-b', '-c', file, username, password], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return file;
}
