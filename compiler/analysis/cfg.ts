// The control-flow graph of a loaded program: basic blocks with labels, per function, and their
// successor edges. Calls (helper, local, callx) do not end a block; jumps and exits do.

import { Graph } from '@dagrejs/graphlib';
import { branchTarget, endsFlow } from '../../isa/index.js';
import type { DecodedProgram, Insn } from '../../isa/index.js';
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

/** Instruction index a jump or local call at instruction i lands on, or -1 when it leaves the program. */
function jumpTarget(code: DecodedProgram, i: number): number {
  const slot = branchTarget(code.insns[i], code.pcs[i]);
  return slot === undefined || slot < 0 || slot >= code.slots ? -1 : code.indexOfSlot[slot];
}

/** Jumps and exits end a block; calls do not. */
function endsBlock(insn: Insn): boolean {
  return insn.kind === 'jmp' || endsFlow(insn);
}

/** Builds the CFG; jump targets outside the program are left without an edge (validation reports them). */
export function buildCfg(program: Program): Cfg {
  const { insns, pcs } = program.code;
  const leaders = new Set<number>([0]);
  const fnStart = new Map<number, string>();
  for (const f of program.functions) {
    leaders.add(f.start);
    fnStart.set(f.start, f.name);
  }
  insns.forEach((insn, i) => {
    if (insn.kind === 'jmp' || insn.kind === 'ja') {
      const t = jumpTarget(program.code, i);
      if (t >= 0) leaders.add(t);
    }
    if (insn.kind === 'call-local') {
      const t = jumpTarget(program.code, i);
      if (t >= 0 && !fnStart.has(t)) {
        leaders.add(t);
        fnStart.set(t, `fn@${pcs[t]}`);
      }
    }
    if (endsBlock(insn) && i + 1 < insns.length) leaders.add(i + 1);
  });
  const starts = [...leaders].filter((s) => s < insns.length).sort((a, b) => a - b);
  const blockOf = new Int32Array(insns.length);
  const raw: { start: number; end: number; fn: string }[] = [];
  let fn = program.functions[0]?.name ?? program.name;
  starts.forEach((start, id) => {
    fn = fnStart.get(start) ?? fn;
    const end = starts[id + 1] ?? insns.length;
    raw.push({ start, end, fn });
    blockOf.fill(id, start, end);
  });
  const counters = new Map<string, number>();
  const blocks: BasicBlock[] = raw.map((b, id) => {
    const n = counters.get(b.fn) ?? 0;
    counters.set(b.fn, n + 1);
    return { id, label: `${b.fn}.${n}`, fn: b.fn, start: b.start, end: b.end, succs: successors(program, blockOf, b.end - 1) };
  });
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
  if (insn.kind === 'jmp' || insn.kind === 'ja') {
    const t = jumpTarget(program.code, last);
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
