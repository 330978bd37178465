// Dominators and post-dominators of the IR's blocks, per function: block A dominates B when every
// path from the function's entry to B passes A; A post-dominates B when every path from B to an
// exit passes A. The CFG is a graphlib graph (ir/flow's successors); the immediate dominators come
// from the iterative algorithm of Cooper, Harvey and Kennedy ("A Simple, Fast Dominance Algorithm")
// over a reverse postorder. Post-dominators are the dominators of the reversed graph from a virtual
// exit every exiting block leads to.

import { alg, Graph } from '@dagrejs/graphlib';
import { endsFlow } from '../../isa/index.js';
import type { IrFunction, IrProgram, Label } from '../ir/index.js';
import { successors } from '../ir/index.js';

export interface DomTree {
  /** immediate dominator of each block reached from the root (the root maps to itself) */
  readonly idom: ReadonlyMap<Label, Label>;
  /** whether a dominates b (every block dominates itself); false when b is not reached */
  dominates(a: Label, b: Label): boolean;
}

/** The virtual exit node of the post-dominator tree. */
export const EXIT = '<exit>';

/** The function's CFG as a graphlib graph (node ids are block labels). */
export function functionGraph(fn: IrFunction, succ: ReadonlyMap<Label, Label[]>): Graph {
  const g = new Graph({ directed: true });
  for (const b of fn.blocks) g.setNode(b.label);
  for (const b of fn.blocks) for (const s of succ.get(b.label) ?? []) g.setEdge(b.label, s);
  return g;
}

/** Immediate dominators of every node reached from `root` along g's edges (`prev`: a node's predecessors in g). */
function idoms(g: Graph, root: string, prev: (n: string) => string[]): Map<string, string> {
  const post = alg.postorder(g, [root]);
  const order = new Map(post.map((n, i) => [n, i]));
  const idom = new Map<string, string>([[root, root]]);
  const rpo = [...post].reverse();
  const intersect = (a: string, b: string): string => {
    while (a !== b) {
      while (order.get(a)! < order.get(b)!) a = idom.get(a)!;
      while (order.get(b)! < order.get(a)!) b = idom.get(b)!;
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const n of rpo) {
      if (n === root) continue;
      let d: string | undefined;
      for (const p of prev(n)) if (idom.has(p) && order.has(p)) d = d === undefined ? p : intersect(p, d);
      if (d !== undefined && idom.get(n) !== d) {
        idom.set(n, d);
        changed = true;
      }
    }
  }
  return idom;
}

function tree(idom: Map<string, string>, root: string): DomTree {
  return {
    idom,
    dominates(a: Label, b: Label): boolean {
      if (!idom.has(b)) return false;
      for (let n = b; ; n = idom.get(n)!) {
        if (n === a) return true;
        if (n === root) return false;
      }
    },
  };
}

/** The dominator tree of one function (root: its entry block). */
export function dominators(fn: IrFunction, succ: ReadonlyMap<Label, Label[]>): DomTree {
  const g = functionGraph(fn, succ);
  const root = fn.blocks[0].label;
  return tree(idoms(g, root, (n) => g.predecessors(n) ?? []), root);
}

/** The post-dominator tree of one function (root: EXIT, which every block ending in an exit reaches). */
export function postDominators(fn: IrFunction, succ: ReadonlyMap<Label, Label[]>): DomTree {
  const g = new Graph({ directed: true });
  g.setNode(EXIT);
  for (const b of fn.blocks) g.setNode(b.label);
  for (const b of fn.blocks) {
    for (const s of succ.get(b.label) ?? []) g.setEdge(s, b.label);
    const last = b.insns[b.insns.length - 1];
    if (last && endsFlow(last.insn) && last.insn.kind !== 'ja') g.setEdge(EXIT, b.label);
  }
  return tree(idoms(g, EXIT, (n) => g.predecessors(n) ?? []), EXIT);
}

/** Dominator trees of every function of the program, by function name. */
export function programDominators(ir: IrProgram): Map<string, DomTree> {
  const succ = successors(ir);
  return new Map(ir.functions.map((fn) => [fn.name, dominators(fn, succ)]));
}
