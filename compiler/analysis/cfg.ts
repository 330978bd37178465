// The control-flow graph of a loaded program: basic blocks with labels, per function (the split
// of compiler/ir/blocks.ts), and their successor edges. Calls do not end a block; jumps and exits do.

import { Graph } from '@dagrejs/graphlib';
import { endsFlow } from '../../isa/index.js';
import { blockSpans, targetIndex } from '../ir/blocks.js';
import type { Program } from '../loader/types.js';

export interface BasicBlock {
  readonly id: number;
  /** a stable name: `<function>.<n>`, n counting blocks of that function from 0 */
  readonly label: string;
  readonly fn: string;
  /** index into Program.code.insns of the first instruction */
  readonly start: number;
  /** index one past the last instruction */
  readonly end: number;
  /** block ids control can reach next (fall-through first, then the jump target) */
  readonly succs: readonly number[];
}

export interface Cfg {
  readonly blocks: readonly BasicBlock[];
  /** blockOf[i] = id of the block holding instruction i */
  readonly blockOf: Int32Array;
  /** the same edges as a graphlib graph (node ids are block labels) */
  readonly graph: Graph;
}

/** Builds the CFG from the blocks of compiler/ir; jump targets outside the program are left without an edge (validation reports them). */
export function buildCfg(program: Program): Cfg {
  const spans = blockSpans(program);
  const blockOf = new Int32Array(program.code.insns.length);
  spans.forEach((b, id) => blockOf.fill(id, b.start, b.end));
  const blocks: BasicBlock[] = spans.map((b, id) => ({ id, ...b, succs: successors(program, blockOf, b.end - 1) }));
  const graph = new Graph({ directed: true });
  for (const b of blocks) graph.setNode(b.label, b);
  for (const b of blocks) for (const s of b.succs) graph.setEdge(b.label, blocks[s].label);
  return { blocks, blockOf, graph };
}

function successors(program: Program, blockOf: Int32Array, last: number): number[] {
  const { insns } = program.code;
  const insn = insns[last];
  const out: number[] = [];
  if (!endsFlow(insn) && last + 1 < insns.length) out.push(blockOf[last + 1]);
  if (insn.kind === 'jmp' || insn.kind === 'jlen' || insn.kind === 'ja') {
    const t = targetIndex(program.code, last);
    if (t >= 0 && !out.includes(blockOf[t])) out.push(blockOf[t]);
  }
  return out;
}

/** Share of blocks (0..1) with at least one executed instruction, from per-instruction hit flags. */
export function blockCoverage(cfg: Cfg, executed: (insnIndex: number) => boolean): { covered: number; total: number; missed: string[] } {
  const missed: string[] = [];
  let covered = 0;
  for (const b of cfg.blocks) {
    if (executed(b.start)) covered++;
    else missed.push(b.label);
  }
  return { covered, total: cfg.blocks.length, missed };
}
