// simulate's per-packet map comparison (simulator/simulate/run.ts MapsComparer): it compares only
// maps whose snapshot arrays changed since the last packet, and must answer as comparing them all would.

import { describe, expect, it } from 'vitest';
import type { MapsSnapshot } from '../../simulator/engine.js';
import { MapsComparer } from '../../simulator/simulate/run.js';

const entries = (...kv: [string, string][]) => kv.map(([key, value]) => ({ key, value }));

describe('MapsComparer', () => {
  it('equal maps, then one changed on one side, then unchanged arrays keep their verdict', () => {
    const c = new MapsComparer();
    const a = entries(['00', '01']);
    const b = entries(['00', '02']);
    const ref: MapsSnapshot = { a, b };
    expect(c.firstDifference(ref, { a: entries(['00', '01']), b: entries(['00', '02']) })).toBeUndefined();
    const changed = { a, b: entries(['00', '03']) };
    expect(c.firstDifference(ref, changed)).toBe('b');
    expect(c.firstDifference(ref, changed)).toBe('b'); // the same arrays again: still different
    expect(c.firstDifference({ a: entries(['00', '09']), b }, { a: entries(['00', '09']), b: entries(['00', '02']) })).toBeUndefined();
  });

  it('the first differing map in the reference\'s order; a map missing on one side; only the lists differing gives ?', () => {
    const c = new MapsComparer();
    expect(c.firstDifference({ a: entries(['00', '01']), b: entries() }, { a: entries(['00', '02']), b: entries(['01', '00']) })).toBe('a');
    expect(c.firstDifference({ a: entries(), b: entries() }, { a: entries() })).toBe('b');
    expect(c.firstDifference({ a: entries() }, { a: entries(), z: entries() })).toBe('?');
    expect(c.firstDifference({ a: entries(['00', '01'], ['01', '00']) }, { a: entries(['00', '01']) })).toBe('a');
  });
});
