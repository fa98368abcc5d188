/**
 * What a channel's nameplate says it can draw. PDU2-MIB keeps the ratings as DisplayStrings
 * (outletRatedVoltage/outletRatedCurrent `…6.3.5.3.1.6/.7`, inletRatedVoltage/inletRatedCurrent
 * `…6.3.3.3.1.6/.7`): "10A", "32A", "200-240V", "100-120V", "230/400V". The energy tracker bounds a
 * counter step by this power over the elapsed time (docs/energy.md). Pure.
 */

/** The largest number in a rating text ("200-240V" → 240), or null when it has none. */
export function parseRating(text: string | undefined): number | null {
  if (!text) return null;
  let best: number | null = null;
  for (const m of text.matchAll(/\d+(?:\.\d+)?/g)) {
    const n = Number(m[0]);
    if (n > 0 && (best === null || n > best)) best = n;
  }
  return best;
}

/** The highest line-to-neutral voltage in use (277 V in North America); above it a rating is line-to-line. */
const MAX_LINE_TO_NEUTRAL_V = 277;

/**
 * Nameplate power, W: rated voltage × rated current, for a 3-phase inlet (inletPoleCount ≥ 3) times 3
 * with a line-to-neutral voltage or √3 with a line-to-line one. Null when either rating is missing.
 */
export function ratedPowerW(r: {
  voltage: string | undefined;
  current: string | undefined;
  poles?: number;
}): number | null {
  const volts = parseRating(r.voltage);
  const amps = parseRating(r.current);
  if (volts === null || amps === null) return null;
  if ((r.poles ?? 0) < 3) return Math.round(volts * amps);
  const phases = volts <= MAX_LINE_TO_NEUTRAL_V ? 3 : Math.sqrt(3);
  return Math.round(phases * volts * amps);
}
