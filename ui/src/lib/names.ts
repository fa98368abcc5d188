/**
 * What the panel calls things, one rule each: the outlet grid, the chart legend and the tooltips all
 * ask these, so an outlet is never "Outlet 4" in one place and "unnamed" in another.
 */

/** An outlet by its name; one without (a Raritan outlet may have none) by its printed label. */
export function outletName(o: { label: string; name: string; outlet: number }): string {
  const name = o.name.trim();
  return name !== '' ? name : `Outlet ${o.label || o.outlet}`;
}

/** A PDU by its display name (the bridge applies pdus[].name), else its id. */
export const pduName = (p: { id: string; name: string }) => p.name.trim() || p.id;

/**
 * The outlets a breaker feeds, by their printed labels, runs of consecutive outlets as one range:
 * "1–6", "1–3, 7, 9–12".
 */
export function outletRanges(
  outlets: readonly number[],
  known: readonly { outlet: number; label: string }[],
): string {
  const label = (n: number) => known.find((o) => o.outlet === n)?.label || String(n);
  const sorted = [...outlets].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    const a = sorted[i]!;
    const b = sorted[j]!;
    parts.push(
      j - i >= 2
        ? `${label(a)}–${label(b)}`
        : sorted
            .slice(i, j + 1)
            .map(label)
            .join(', '),
    );
    i = j + 1;
  }
  return parts.join(', ');
}
