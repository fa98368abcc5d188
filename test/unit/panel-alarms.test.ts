import { describe, expect, it } from 'vitest';
import { alarmText, barScale, marksText, worst, worstOf } from '../../ui/src/lib/alarms.ts';
import { outletRanges } from '../../ui/src/lib/names.ts';

/** How the panel words and ranks alarms and draws its load bars (ui/src/lib/alarms.ts, docs/panel.md). */

describe('alarm marks', () => {
  it('ranks a payload by its worst state: critical over warning, none for {}', () => {
    expect(worst({})).toBeNull();
    expect(worst({ current: 'above_upper_warning' })).toBe('warning');
    expect(worst({ current: 'above_upper_warning', voltage: 'below_lower_critical' })).toBe('critical');
    // A tripped protector (open), a leak (alarmed), a failed sensor: critical.
    for (const s of ['open', 'alarmed', 'fail']) expect(worst({ state: s })).toBe('critical');
  });

  it('ranks a card by the worst of its payloads, even where they share a field name', () => {
    expect(worstOf([{ current: 'above_upper_critical' }, { current: 'above_upper_warning' }])).toBe(
      'critical',
    );
    expect(worstOf([{}, { value: 'below_lower_warning' }])).toBe('warning');
    expect(worstOf([{}, {}])).toBeNull();
  });

  it('says every alarm in words, a line by its name', () => {
    expect(alarmText({ current: 'above_upper_warning', 'lines.L2.current': 'above_upper_critical' })).toBe(
      'current above upper warning; L2 current above upper critical',
    );
    expect(alarmText({ value: 'above_upper_warning' })).toBe('above upper warning');
  });
});

describe('load bars', () => {
  it('scale to the rating, else a quarter beyond the highest enabled threshold, else none', () => {
    expect(barScale(16, { upper_warning: 12.8, upper_critical: 14.4 })).toBe(16);
    expect(barScale(null, { upper_warning: 6.5, upper_critical: 8 })).toBe(10);
    expect(barScale(null, { upper_warning: 6.4 })).toBe(8);
    expect(barScale(null, {})).toBeNull();
    expect(barScale(0, undefined)).toBeNull();
  });

  it('name their marks', () => {
    expect(marksText({ upper_warning: 6.5, upper_critical: 8 }, 'A')).toBe(
      'warning above 6.5 A · critical above 8.0 A',
    );
    expect(marksText({ lower_warning: 15 }, '°C')).toBe('');
  });
});

describe("a breaker's outlets", () => {
  const known = Array.from({ length: 12 }, (_, i) => ({ outlet: i + 1, label: String(i + 1) }));
  it('are runs of three or more as a range, by their printed labels', () => {
    expect(outletRanges([13, 14, 15, 16, 17, 18], [])).toBe('13–18');
    expect(outletRanges([1, 2, 3, 7, 9, 10], known)).toBe('1–3, 7, 9, 10');
    expect(
      outletRanges(
        [2, 1],
        [
          { outlet: 1, label: 'A1' },
          { outlet: 2, label: 'A2' },
        ],
      ),
    ).toBe('A1, A2');
    expect(outletRanges([], known)).toBe('');
  });
});
