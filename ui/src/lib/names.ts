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
