/** A small promise wrapper over net-snmp's client, for the simulator's integration tests. */
import snmp from 'net-snmp';

export interface TestUser {
  name: string;
  level?: 'authPriv' | 'authNoPriv';
  authProtocol: 'sha' | 'sha256';
  authKey: string;
  privProtocol?: 'aes';
  privKey?: string;
}

export interface OpenOptions {
  community?: string;
  version?: 0 | 1;
  user?: TestUser;
}

const sessions: snmp.Session[] = [];

export function open(port: number, o: OpenOptions = {}): snmp.Session {
  const options = { port, timeout: 400, retries: 0, version: o.version ?? snmp.Version2c };
  let session: snmp.Session;
  if (o.user) {
    const u = o.user;
    const level = u.level ?? (u.privKey ? 'authPriv' : 'authNoPriv');
    session = snmp.createV3Session(
      '127.0.0.1',
      {
        name: u.name,
        level: snmp.SecurityLevel[level],
        authProtocol: snmp.AuthProtocols[u.authProtocol],
        authKey: u.authKey,
        privProtocol: level === 'authPriv' ? snmp.PrivProtocols.aes : undefined,
        privKey: level === 'authPriv' ? u.privKey : undefined,
      },
      { ...options, version: snmp.Version3 },
    );
  } else {
    session = snmp.createSession('127.0.0.1', o.community ?? 'public', options);
  }
  session.on('error', () => {});
  sessions.push(session);
  return session;
}

export function closeAll(): void {
  for (const s of sessions.splice(0)) s.close();
}

export function get(s: snmp.Session, oids: string[]): Promise<snmp.Varbind[]> {
  return new Promise((resolve, reject) => {
    s.get(oids, (error, varbinds) => (error ? reject(error) : resolve(varbinds ?? [])));
  });
}

export function set(s: snmp.Session, varbinds: snmp.Varbind[]): Promise<snmp.Varbind[]> {
  return new Promise((resolve, reject) => {
    s.set(varbinds, (error, out) => (error ? reject(error) : resolve(out ?? [])));
  });
}

/** GETBULK walk of everything under `oid` (net-snmp's subtree). */
export function bulkWalk(s: snmp.Session, oid: string, maxRepetitions: number): Promise<snmp.Varbind[]> {
  const rows: snmp.Varbind[] = [];
  return new Promise((resolve, reject) => {
    s.subtree(
      oid,
      maxRepetitions,
      (varbinds: snmp.Varbind[]) => {
        rows.push(...varbinds);
      },
      (error: Error | null) => (error ? reject(error) : resolve(rows)),
    );
  });
}
