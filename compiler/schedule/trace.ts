// The `motion` strategy's regions: chains of blocks along the fall-through path that nothing else
// enters (no side entrances, so no tail duplication), scheduled as one graph in which instructions
// may rise above a side exit when they cannot fault, have no side effect and write no register
// live where the exit goes. Several exits may share a row, the earlier in the lower lane (the
// lowest taken lane wins). Liveness is computed here (compiler/analysis has none yet).

import { defuse, endsFlow, FP } from '../../isa/index.js';
import type { Insn } from '../../isa/index.js';
import { successors } from '../ir/flow.js';
import type { IrBlock, IrFunction, IrInsn, IrProgram, Label } from '../ir/types.js';
import { buildDeps, isControl } from './deps.js';
import type { DepGraph, Edge } from './deps.js';
import type { RegionState } from './regions.js';
import { memoryAddOf, nodeDefuse } from './fuse.js';

/** Registers live on entry to each block (backward dataflow; a call's clobbers kill, exit reads r0). */
export function liveIn(ir: IrProgram): Map<Label, Set<number>> {
  const succ = successors(ir);
  const live = new Map<Label, Set<number>>();
  const blocks = ir.functions.flatMap((f) => f.blocks);
  for (const b of blocks) live.set(b.label, new Set());
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = blocks.length - 1; i >= 0; i--) {
      const b = blocks[i];
      const s = new Set<number>();
      for (const n of succ.get(b.label) ?? []) for (const r of live.get(n) ?? []) s.add(r);
      for (let k = b.insns.length - 1; k >= 0; k--) {
        const du = nodeDefuse(b.insns[k]);
        for (const r of [...du.writes, ...du.clobbers]) s.delete(r);
        for (const r of du.reads) s.add(r);
      }
      if (s.size !== live.get(b.label)!.size) {
        live.set(b.label, s);
        changed = true;
      }
    }
  }
  return live;
}

/**
 * Instructions that may execute on a path where the original did not: no fault, no side effect.
 * `loads`: the core's non-faulting speculative loads (a faulting speculative load yields nothing
 * and does not trap), so every load qualifies.
 */
export function speculatable(insn: Insn, loads = false): boolean {
  switch (insn.kind) {
    case 'alu': case 'alu3': case 'end': case 'lddw': return true;
    case 'ldx6': return loads;
    // the stack frame is always mapped: a load inside it cannot fault
    case 'ldx': return loads || (insn.src === FP && insn.off < 0 && insn.off + insn.size <= 0 && insn.off >= -512);
    default: return false;
  }
}

/**
 * Chains of blocks in layout order: a block joins the chain before it when it is entered only by
 * falling from it. `straight`: only past a block that ends in no branch at all, so each chain is
 * one straight-line region — the block boundaries the passes leave behind (a deleted branch, a
 * merged join) disappear, and the IR after passes schedules as its lowered bytecode re-read does.
 */
export function traces(fn: IrFunction, preds: ReadonlyMap<Label, number>, jumpTargets: ReadonlySet<Label>, straight = false): IrBlock[][] {
  const out: IrBlock[][] = [];
  for (const b of fn.blocks) {
    const cur = out[out.length - 1];
    const prev = cur?.[cur.length - 1];
    const last = prev?.insns[prev.insns.length - 1];
    const falls = prev !== undefined && (!last || !(straight ? isControl(last.insn) : endsFlow(last.insn)));
    if (cur && falls && preds.get(b.label) === 1 && !jumpTargets.has(b.label)) cur.push(b);
    else out.push([b]);
  }
  return out;
}

/** The dependence graph of a trace: each block's edges, plus side-exit edges that keep unsafe instructions below their exit. */
export function traceDeps(
  trace: readonly IrBlock[], states: ReadonlyMap<IrInsn, RegionState>, live: ReadonlyMap<Label, Set<number>>, core: Parameters<typeof buildDeps>[2], loads = false,
): DepGraph {
  const insns = trace.flatMap((b) => b.insns);
  const g = buildDeps(insns, states, core);
  const extra: Edge[] = [];
  insns.forEach((x, k) => {
    if (!isControl(x.insn) || k === insns.length - 1) return;
    const taken = x.target === undefined ? undefined : live.get(x.target);
    for (let j = k + 1; j < insns.length; j++) {
      const y = insns[j].insn;
      const store = memoryAddOf(insns[j]) !== undefined; // a memory add stores: never above an exit
      if (isControl(y)) continue; // control edges order exits already (latency 0)
      const writes = [...defuse(y).writes, ...defuse(y).clobbers];
      const safe = !store && speculatable(y, loads) && taken !== undefined && !writes.some((r) => taken.has(r));
      if (!safe) extra.push({ from: k, to: j, kind: 'control', latency: 1 });
    }
  });
  const edges = [...g.edges, ...extra];
  const succ: Edge[][] = g.nodes.map(() => []);
  const pred: Edge[][] = g.nodes.map(() => []);
  for (const e of edges) {
    succ[e.from].push(e);
    pred[e.to].push(e);
  }
  return { nodes: g.nodes, edges, succ, pred };
}

/** Predecessor counts and the labels some jump names, over the whole program. */
export function entryFacts(ir: IrProgram): { preds: Map<Label, number>; jumpTargets: Set<Label> } {
  const preds = new Map<Label, number>();
  for (const ns of successors(ir).values()) for (const n of ns) preds.set(n, (preds.get(n) ?? 0) + 1);
  const jumpTargets = new Set<Label>();
  for (const f of ir.functions) for (const b of f.blocks) for (const x of b.insns) if (x.target !== undefined) jumpTargets.add(x.target);
  return { preds, jumpTargets };
}
