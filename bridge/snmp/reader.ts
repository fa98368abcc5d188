import type { PduReading } from '../readings.ts';
import { decodeReadings, pollOids } from './decode.ts';
import { decodeLayout, LAYOUT_COLUMNS, LAYOUT_SCALARS, type PduLayout } from './layout.ts';
import { createSnmpClient, type SnmpClient, SnmpError, type SnmpTarget } from './session.ts';

/**
 * Reads one configured PDU: the layout (names, decimals, …) when it is missing or older than the
 * refresh period, then one batched GET of just the values and states. A steady-state poll of a
 * 36-outlet unit is 302 OIDs, 6–7 requests at the ~50 varbinds a real agent accepts.
 */

export interface ReadResult {
  units: PduReading[];
  problems: string[];
  /** Requests this read sent. */
  requests: number;
  /** Whether this read refreshed the layout. */
  layoutRefreshed: boolean;
}

export interface PduReader {
  read(time?: number): Promise<ReadResult>;
  /** Re-read names and decimals on the next read (after a rename, say). */
  invalidate(): void;
  readonly layout: PduLayout | undefined;
  readonly client: SnmpClient;
  close(): void;
}

export class PduReadError extends Error {}

export function createPduReader(deps: {
  source: string;
  target: SnmpTarget;
  /** ms between layout refreshes (names, decimals). */
  layoutRefreshMs: number;
  now?: () => number;
  client?: SnmpClient;
}): PduReader {
  const now = deps.now ?? Date.now;
  const client = deps.client ?? createSnmpClient(deps.target);
  let layout: PduLayout | undefined;
  let layoutTime = 0;

  async function refreshLayout(): Promise<PduLayout> {
    const scalars = await client.get(LAYOUT_SCALARS);
    const columns = await client.walk(LAYOUT_COLUMNS);
    for (const [oid, value] of scalars) columns.set(oid, value);
    const walked = decodeLayout(columns);
    // Only the thresholds whose bit is set exist (…EnabledThresholds): those values are fetched by GET
    // rather than walking four columns of every sensor table, most of whose rows are disabled.
    if (walked.thresholdOids.length === 0) return walked;
    for (const [oid, value] of await client.get(walked.thresholdOids)) columns.set(oid, value);
    // The kept layout drops its OID list, used only for the GET above: ~90 strings per PDU, 1.7 MB of
    // live heap at 200 PDUs (docs/architecture.md, "Memory").
    return { ...decodeLayout(columns), thresholdOids: [] };
  }

  return {
    get layout() {
      return layout;
    },
    client,
    invalidate: () => {
      layoutTime = 0;
    },
    close: () => client.close(),
    async read(time = now()) {
      const before = client.requests;
      const stale = !layout || now() - layoutTime >= deps.layoutRefreshMs;
      if (stale) {
        layout = await refreshLayout();
        layoutTime = now();
      }
      const current = layout!;
      const oids = pollOids(current);
      const values = await client.get(oids);
      const decoded = decodeReadings(current, values, { source: deps.source, time });
      if (oids.length > 0 && values.size === 0) {
        throw new PduReadError('the agent answered but returned none of the PDU2-MIB measurements');
      }
      return { ...decoded, requests: client.requests - before, layoutRefreshed: stale };
    },
  };
}

/** A one-line, user-facing explanation of a failed read. */
export function describeReadError(
  error: unknown,
  target: Pick<SnmpTarget, 'host' | 'port' | 'version'>,
): string {
  const where = `${target.host}:${target.port}`;
  if (error instanceof SnmpError) {
    if (error.kind === 'timeout') {
      return target.version === '3'
        ? `no answer from ${where} (timeout): is SNMP enabled on the PDU, the port right, and the v3 user, keys and protocols right?`
        : `no answer from ${where} (timeout): is SNMP enabled on the PDU, the port right and the community right? (agents ignore a wrong community)`;
    }
    return `${where}: ${error.message}`;
  }
  if (error instanceof Error) return `${where}: ${error.message}`;
  return `${where}: ${String(error)}`;
}
