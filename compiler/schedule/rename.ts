// Register renaming for the `motion` strategy: inside one trace, a value whose register was
// already read or written earlier in the trace (an anti or output dependence), or is live where an
// earlier side exit goes (so the definition could not rise above it), moves to a register the
// trace never names and nothing reads after it. Only whole webs move: a plain definition (mov,
// three-operand ALU, load, lddw) and every later instruction reading the register (read-modify-
// write ones like `add r, 1` included) up to its next plain definition, when the old register is
// dead wherever the trace can leave before that. r0-r9 only,
// so the renamed program still runs on an hXDP-like core. The result is an ordinary IR program:
// regions, liveness and the dependence graph are computed again on it.

import { defuse } from '../../isa/index.js';
import type { Insn, Operand } from '../../isa/index.js';
import { successors } from '../ir/flow.js';
import type { IrBlock, IrInsn, IrProgram, Label } from '../ir/types.js';
import { isControl } from './deps.js';

/** Registers a renamed value may take: r0-r9 (r10, the frame pointer, is read-only). */
const NAMES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** The register a plain definition writes (it reads neither that register nor clobbers any), else undefined. */
function plainDef(insn: Insn): number | undefined {
  const du = defuse(insn);
  if (du.writes.length !== 1 || du.clobbers.length > 0) return undefined;
  const r = du.writes[0];
  if (du.reads.includes(r)) return undefined;
  switch (insn.kind) {
    case 'alu': return insn.op === 'mov' || insn.op === 'movsx' ? r : undefined;
    case 'alu3': case 'ldx': case 'ldx6': case 'lddw': return r;
    default: return undefined;
  }
}

function renameOperand(o: Operand, from: number, to: number): Operand {
  return o.type === 'reg' && o.reg === from ? { type: 'reg', reg: to } : o;
}

/** `insn` with every explicit use of `from` (read, or read and written) naming `to`; undefined when one is implicit. */
function renameUses(insn: Insn, from: number, to: number): Insn | undefined {
  const r = (x: number) => (x === from ? to : x);
  switch (insn.kind) {
    case 'alu': return { ...insn, dst: r(insn.dst), src: renameOperand(insn.src, from, to) };
    case 'alu3': return { ...insn, dst: r(insn.dst), a: r(insn.a), b: renameOperand(insn.b, from, to) };
    case 'end': return { ...insn, dst: r(insn.dst) };
    case 'jmp': return { ...insn, dst: r(insn.dst), src: renameOperand(insn.src, from, to) };
    case 'ldx': case 'ldx6': return { ...insn, dst: r(insn.dst), src: r(insn.src) };
    case 'st': return { ...insn, dst: r(insn.dst) };
    case 'stx': case 'stx6': return { ...insn, dst: r(insn.dst), src: r(insn.src) };
    default: return undefined; // calls, exits, atomics, legacy packet loads: implicit or fetched registers
  }
}

function renameDef(insn: Insn, to: number): Insn {
  switch (insn.kind) {
    case 'alu': case 'alu3': case 'ldx': case 'ldx6': case 'lddw': return { ...insn, dst: to };
    default: throw new Error(`renameDef: ${insn.kind} is no plain definition`);
  }
}

function registersNamed(insn: Insn): number[] {
  const du = defuse(insn);
  return [...du.reads, ...du.writes, ...du.clobbers];
}

/** The trace's instructions with renamed webs (same length and order), and how many webs moved. */
export function renameTrace(
  trace: readonly IrBlock[], live: ReadonlyMap<Label, ReadonlySet<number>>, liveOut: ReadonlySet<number>,
): { insns: IrInsn[]; renamed: number } {
  const insns = trace.flatMap((b) => b.insns);
  const named = new Set<number>(live.get(trace[0].label) ?? []);
  for (const r of liveOut) named.add(r);
  for (const x of insns) for (const r of registersNamed(x.insn)) named.add(r);
  const free = NAMES.filter((r) => !named.has(r));
  const out = [...insns];
  let renamed = 0;
  /** registers read or written so far, and registers live at a side exit so far */
  const seen = new Set<number>();
  const exitLive = new Set<number>();
  for (let k = 0; k < out.length && free.length > 0; k++) {
    const x = out[k];
    const r = plainDef(x.insn);
    if (r !== undefined && (seen.has(r) || exitLive.has(r))) {
      const web = webOf(out, k, r, live, liveOut);
      if (web) {
        const to = free.shift()!;
        out[k] = { ...x, insn: renameDef(x.insn, to) };
        for (const [j, insn] of web) out[j] = { ...out[j], insn: renameUses(insn, r, to)! };
        renamed++;
      }
    }
    for (const reg of registersNamed(out[k].insn)) seen.add(reg);
    const t = out[k].target;
    if (isControl(out[k].insn) && t !== undefined) for (const reg of live.get(t) ?? []) exitLive.add(reg);
  }
  return { insns: out, renamed };
}

/** The reads of the value defined at k in r (index, insn), or undefined when the web cannot move. */
function webOf(insns: readonly IrInsn[], k: number, r: number, live: ReadonlyMap<Label, ReadonlySet<number>>, liveOut: ReadonlySet<number>): Map<number, Insn> | undefined {
  const uses = new Map<number, Insn>();
  for (let j = k + 1; j < insns.length; j++) {
    const x = insns[j];
    const du = defuse(x.insn);
    if (du.reads.includes(r)) {
      // a read, or a read and write (add r, 1: the web goes on through it)
      if (du.clobbers.includes(r) || renameUses(x.insn, r, r) === undefined) return undefined;
      uses.set(j, x.insn);
    } else if (du.writes.includes(r) || du.clobbers.includes(r)) return uses; // the next plain definition ends the web
    if (isControl(x.insn)) {
      if (x.insn.kind === 'exit' || x.insn.kind === 'exit-imm') return uses; // the program ends: r is read no more
      if (x.target === undefined || (live.get(x.target)?.has(r) ?? true)) return undefined;
    }
  }
  return liveOut.has(r) ? undefined : uses;
}

/** Registers live where control goes after a trace's last block (its layout successor and jump target). */
export function traceLiveOut(trace: readonly IrBlock[], succ: ReadonlyMap<Label, Label[]>, live: ReadonlyMap<Label, ReadonlySet<number>>): Set<number> {
  const out = new Set<number>();
  for (const n of succ.get(trace[trace.length - 1].label) ?? []) for (const r of live.get(n) ?? []) out.add(r);
  return out;
}

/** The program with every trace's webs renamed (blocks keep their labels, so the traces stay the same). */
export function renameProgram(ir: IrProgram, traces: readonly (readonly IrBlock[])[], live: ReadonlyMap<Label, ReadonlySet<number>>): { ir: IrProgram; renamed: number } {
  const succ = successors(ir);
  const blocks = new Map<Label, IrInsn[]>();
  let renamed = 0;
  for (const t of traces) {
    const r = renameTrace(t, live, traceLiveOut(t, succ, live));
    renamed += r.renamed;
    let at = 0;
    for (const b of t) {
      blocks.set(b.label, r.insns.slice(at, at + b.insns.length));
      at += b.insns.length;
    }
  }
  const functions = ir.functions.map((f) => ({ ...f, blocks: f.blocks.map((b) => ({ ...b, insns: blocks.get(b.label) ?? b.insns })) }));
  return { ir: { ...ir, functions }, renamed };
}
