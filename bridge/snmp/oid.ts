/** Numeric OID comparison (1.3.6.1.10 sorts after 1.3.6.1.9), as SNMP GETNEXT orders them. */
export function compareOids(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return d;
  }
  return pa.length - pb.length;
}
