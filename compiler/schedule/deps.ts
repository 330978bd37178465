// The dependence graph of a straight sequence of IR instructions (a block): typed edges (data,
// anti, output, memory, control) with the latency in rows each demands, from isa's def-use, the
// region analysis and one CoreConfig. Says what must stay ordered; choosing rows is the strategies'.

import { hasExtension, helperName, isTailCall, resultLatency as coreResultLatency } from '../../isa/index.js';
import type { CoreConfig, Insn, MemAccess } from '../../isa/index.js';
import type { IrInsn } from '../ir/types.js';
import type { Region, RegionState } from './regions.js';
import { nodeDefuse } from './fuse.js';

export type EdgeKind = 'data' | 'anti' | 'output' | 'memory' | 'control';

export interface Edge {
  readonly from: number;
  readonly to: number;
  readonly kind: EdgeKind;
  /** rows `to` must stand after `from` (0: the same row is allowed) */
  readonly latency: number;
}

/** A memory location as far as the scheduler can tell: a region, and within it a base and bytes when known. */
export interface Loc {
  readonly region: Exclude<Region, 'scalar' | 'unknown'> | 'any';
  /** the base register's identity (register and the node that defined it, -1: before the block) */
  readonly base?: string;
  readonly off?: number;
  readonly size?: number;
}

export interface DepNode {
  readonly ir: IrInsn;
  readonly reads: readonly number[];
  /** writes and clobbers */
  readonly writes: readonly number[];
  readonly memReads: readonly Loc[];
  readonly memWrites: readonly Loc[];
  /** rows after this node's row at which its result may be read */
  readonly latency: number;
}

export interface DepGraph {
  readonly nodes: readonly DepNode[];
  readonly edges: readonly Edge[];
  /** outgoing and incoming edges by node */
  readonly succ: readonly Edge[][];
  readonly pred: readonly Edge[][];
}

/** Syllables whose register reads the executor cannot take from a row-start copy (they must not share a row with a writer of them). */
export function readsLive(insn: Insn): boolean {
  return insn.kind === 'call' || insn.kind === 'exit' || insn.kind === 'atomic' || insn.kind === 'callx' || insn.kind === 'call-local';
}

export function isControl(insn: Insn): boolean {
  return insn.kind === 'jmp' || insn.kind === 'jlen' || insn.kind === 'ja' || insn.kind === 'exit' || insn.kind === 'exit-imm';
}

/** `if r0 ==/!= 0`: the null test a helper call may be fused with (CoreConfig's fusedCallNullTest). */
export function isNullTest(insn: Insn): boolean {
  return insn.kind === 'jmp' && (insn.cond === 'jeq' || insn.cond === 'jne') && insn.width === 64 && insn.dst === 0 && insn.src.type === 'imm' && insn.src.value === 0;
}

/** The latency of an instruction's result, by unit (isa/core.ts's rule, which the core simulator reads too). */
export function resultLatency(insn: Insn, core: CoreConfig, base: Region): number {
  return coreResultLatency(core, insn, base === 'packet' || base === 'ctx' || base === 'stack' || base === 'map' ? base : undefined);
}

/** Resolves def-use memory accesses to locations, given the region state and base identities. */
function resolve(acc: readonly MemAccess[], regions: RegionState, baseId: (r: number) => string, writesPacket: boolean): Loc[] {
  const out: Loc[] = [];
  for (const a of acc) {
    switch (a.region) {
      case 'stack': out.push({ region: 'stack', base: 'fp', off: a.off, size: a.size }); break;
      case 'pointer': {
        const r = regions[a.base];
        const region = r === 'scalar' || r === 'unknown' ? 'any' : r;
        const sized = typeof a.size === 'number';
        out.push(sized ? { region, base: r === 'stack' ? undefined : baseId(a.base), off: a.off, size: a.size as number } : { region });
        break;
      }
      case 'packet': out.push({ region: 'packet' }); if (writesPacket) out.push({ region: 'ctx' }); break;
      case 'map': out.push({ region: 'map' }); break;
      case 'any': out.push({ region: 'any' }); break;
    }
  }
  return out;
}

/** Whether two locations may share a byte. */
export function mayAlias(a: Loc, b: Loc): boolean {
  if (a.region === 'any' || b.region === 'any') return true;
  if (a.region !== b.region) return false;
  if (a.off === undefined || b.off === undefined || a.size === undefined || b.size === undefined) return true;
  if (a.base === undefined || a.base !== b.base) return a.region === 'stack' && a.base === 'fp' && b.base === 'fp' ? overlap(a, b) : true;
  return overlap(a, b);
}

const overlap = (a: Loc, b: Loc) => a.off! < b.off! + b.size! && b.off! < a.off! + a.size!;

function buildNodes(insns: readonly IrInsn[], states: ReadonlyMap<IrInsn, RegionState>, core: CoreConfig): DepNode[] {
  const lastDef = new Array<number>(16).fill(-1);
  return insns.map((ir, i) => {
    const du = nodeDefuse(ir);
    const regions = states.get(ir) ?? new Array<Region>(11).fill('unknown');
    // a stack pointer made from r10 is known as 'stack' but not its offset: give it no base
    const baseId = (r: number) => (r === 10 ? 'fp' : `${r}@${lastDef[r]}`);
    const packetWrite = du.memWrites.some((m) => m.region === 'packet');
    const memReads = resolve(du.memReads, regions, baseId, false);
    // jlen compares the packet's length: it reads what packet-resizing helpers write (ctx data/data_end)
    if (ir.insn.kind === 'jlen') memReads.push({ region: 'ctx' });
    const memWrites = resolve(du.memWrites, regions, baseId, packetWrite);
    // stack accesses through a register other than r10 have unknown offsets
    const fix = (l: Loc): Loc => (l.region === 'stack' && l.base !== 'fp' ? { region: 'stack' } : l);
    const writes = [...new Set([...du.writes, ...du.clobbers])];
    const base = ir.insn.kind === 'ldx' || ir.insn.kind === 'ldx6' ? regions[ir.insn.src] : 'unknown';
    // a memory add's result is timed as its load (isa/timing.ts's rowTiming; the RTL adds and
    // stores back in the load's cycle): the same latency here
    const node: DepNode = {
      ir, reads: du.reads, writes, memReads: memReads.map(fix), memWrites: memWrites.map(fix), latency: resultLatency(ir.insn, core, base),
    };
    for (const r of writes) lastDef[r] = i;
    return node;
  });
}

/** The dependence graph of `insns` (in program order), its last instruction possibly a jump or exit. */
export function buildDeps(insns: readonly IrInsn[], states: ReadonlyMap<IrInsn, RegionState>, core: CoreConfig): DepGraph {
  const nodes = buildNodes(insns, states, core);
  const edges: Edge[] = [];
  const add = (from: number, to: number, kind: EdgeKind, latency: number) => edges.push({ from, to, kind, latency });
  const fused = hasExtension(core, 'fusedCallNullTest');
  for (let j = 0; j < nodes.length; j++) {
    const b = nodes[j];
    for (let i = j - 1; i >= 0; i--) {
      const a = nodes[i];
      // the fused call: its null test may share its row (in a higher lane, block.ts's request)
      const fuse = fused && a.ir.insn.kind === 'call' && isNullTest(b.ir.insn);
      dependences(a, b, i, j, nodes, fuse ? (f, t, k, l) => add(f, t, k, k === 'data' ? 0 : l) : add);
    }
    if (isControl(b.ir.insn) || j === nodes.length - 1) {
      // nothing after a jump or exit in its block; everything before it stays at or before its row
      if (isControl(b.ir.insn)) for (let i = 0; i < j; i++) add(i, j, 'control', 0);
    }
    // a tail call may leave the program: everything before it at or before its row, everything
    // after it in a later row (isa/rows.ts), so its row holds no other control syllable
    if (isTailCall(b.ir.insn)) {
      for (let i = 0; i < j; i++) add(i, j, 'control', 0);
      for (let k = j + 1; k < nodes.length; k++) add(j, k, 'control', 1);
    }
  }
  const succ: Edge[][] = nodes.map(() => []);
  const pred: Edge[][] = nodes.map(() => []);
  for (const e of edges) {
    succ[e.from].push(e);
    pred[e.to].push(e);
  }
  return { nodes, edges, succ, pred };
}

function dependences(a: DepNode, b: DepNode, i: number, j: number, nodes: readonly DepNode[], add: (f: number, t: number, k: EdgeKind, l: number) => void): void {
  for (const r of b.reads)
    if (a.writes.includes(r) && !between(nodes, i, j, r)) add(i, j, 'data', a.latency);
  for (const r of b.writes) {
    if (a.reads.includes(r)) add(i, j, 'anti', readsLive(a.ir.insn) ? 1 : 0);
    if (a.writes.includes(r)) add(i, j, 'output', 1);
  }
  const conflict = a.memWrites.some((w) => b.memReads.some((r) => mayAlias(w, r)) || b.memWrites.some((x) => mayAlias(w, x)))
    || a.memReads.some((r) => b.memWrites.some((w) => mayAlias(r, w)));
  if (conflict) add(i, j, 'memory', 1);
  // calls keep their order (their side effects: redirect targets, the clock, the PRNG)
  if (a.ir.insn.kind === 'call' && b.ir.insn.kind === 'call') add(i, j, 'memory', 1);
}

/** Whether some node strictly between i and j writes r (then i's value does not reach j). */
function between(nodes: readonly DepNode[], i: number, j: number, r: number): boolean {
  for (let k = i + 1; k < j; k++) if (nodes[k].writes.includes(r)) return true;
  return false;
}

/** A helper the row schedule cannot run: it calls back into the program. */
export function unschedulableHelper(id: number): string | undefined {
  const name = helperName(id);
  return name === 'bpf_loop' || name === 'bpf_for_each_map_elem' ? name : undefined;
}
