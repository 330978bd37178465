// Dominators, post-dominators, available copies and copy roots on small IR programs whose answer
// is known by hand.
import { describe, expect, it } from 'vitest';
import { lift, successors, walk } from '../../compiler/ir/index.js';
import { dominators, EXIT, postDominators } from '../../compiler/analysis/dominators.js';
import { availableCopies, copyRoots, equal } from '../../compiler/analysis/copies.js';
import { program } from '../interpreter/objects.js';

// p.0: entry (jeq → p.2)   p.1: then   p.2: join (jne → p.4)   p.3: then2, exits   p.4: exit
const DIAMOND = 'mov %r1, 1\njeq %r1, 0, join\nmov %r2, 2\njoin:\nmov %r3, 3\njne %r3, 3, out\nmov %r0, 1\nexit\nout:\nmov %r0, 2\nexit';

describe('dominators', () => {
  const ir = lift(program('p', DIAMOND));
  const fn = ir.functions[0];
  const succ = successors(ir);
  it('the entry dominates every block; a branch arm does not dominate the join', () => {
    const d = dominators(fn, succ);
    const labels = fn.blocks.map((b) => b.label);
    expect(labels).toEqual(['p.0', 'p.1', 'p.2', 'p.3', 'p.4']);
    for (const l of labels) expect(d.dominates('p.0', l)).toBe(true);
    expect(d.dominates('p.1', 'p.2')).toBe(false);
    expect(d.dominates('p.2', 'p.3')).toBe(true);
    expect(d.dominates('p.3', 'p.4')).toBe(false);
    expect(Object.fromEntries(d.idom)).toEqual({ 'p.0': 'p.0', 'p.1': 'p.0', 'p.2': 'p.0', 'p.3': 'p.2', 'p.4': 'p.2' });
  });
  it('post-dominators: the join post-dominates the entry and its arm; neither exit post-dominates the join', () => {
    const pd = postDominators(fn, succ);
    expect(pd.dominates('p.2', 'p.0')).toBe(true);
    expect(pd.dominates('p.2', 'p.1')).toBe(true);
    expect(pd.dominates('p.1', 'p.0')).toBe(false);
    expect(pd.dominates('p.3', 'p.2')).toBe(false);
    expect(pd.dominates('p.4', 'p.2')).toBe(false);
    expect(pd.idom.get('p.2')).toBe(EXIT);
  });
  it('a block no path reaches is dominated by nothing', () => {
    const ir2 = lift(program('q', 'mov %r0, 1\nexit\nmov %r0, 2\nexit'));
    const d = dominators(ir2.functions[0], successors(ir2));
    expect(d.dominates('q.0', 'q.1')).toBe(false);
  });
});

describe('available copies and copy roots', () => {
  const src = 'mov %r1, 5\nmov %r2, %r1\nmov %r3, %r2\njeq %r3, 5, other\nmov %r4, 1\nja join\nother:\nmov %r2, 7\njoin:\nmov %r0, %r3\nexit';
  const ir = lift(program('c', src));
  const at = (text: string) => [...walk(ir)].find((s) => JSON.stringify(s.insn.insn).includes(text))!.insn;
  it('a chain of copies is one class and one root until a member is written; a join keeps what both sides agree on', () => {
    const copies = availableCopies(ir);
    const roots = copyRoots(ir);
    const jeq = at('"cond":"jeq"');
    expect(equal(copies.before.get(jeq)!, 3, 1)).toBe(true);
    expect(equal(copies.before.get(jeq)!, 2, 3)).toBe(true);
    expect(roots.before.get(jeq)![3]).toBe(1);
    expect(roots.before.get(jeq)![2]).toBe(1);
    // at the join r2 was overwritten on one side: r3 = r1 still holds on both, r2 = r1 does not
    const last = at('"dst":0,"src":{"type":"reg","reg":3}');
    expect(equal(copies.before.get(last)!, 3, 1)).toBe(true);
    expect(equal(copies.before.get(last)!, 2, 1)).toBe(false);
    expect(roots.before.get(last)![3]).toBe(1);
    expect(roots.before.get(last)![2]).toBe(-1);
  });
});
