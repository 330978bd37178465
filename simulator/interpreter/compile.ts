// The interpreter's closure compiler: turns a decoded program into one handler per instruction
// (closure-threaded code), with jump targets resolved to instruction indexes and immediates turned
// into constant register slots. What each instruction does is machine/semantics.ts's.

import { branchTarget } from '../../isa/index.js';
import type { DecodedProgram, Insn, Operand } from '../../isa/index.js';
import type { MapRef } from '../../compiler/loader/types.js';
import { FIRST_CONST, lddwValue, semantics } from '../machine/index.js';
import type { Handler, LddwValue, Machine, MachineProgram } from '../machine/index.js';

/** What compile needs of a program (a loader Program fits). */
export interface ProgramSource {
  readonly name: string;
  readonly code: DecodedProgram;
  readonly mapRefs?: ReadonlyMap<number, MapRef>;
  /** kfunc calls: instruction index → the kernel function's name */
  readonly kfuncs?: ReadonlyMap<number, string>;
}

/** A program ready to run: handlers by instruction index; entries past the last instruction trap. */
export interface CompiledProgram extends MachineProgram {
  readonly code: Handler[];
  readonly slots: number[];
}

/** Immediate value → constant register slot, shared by every program of a machine. */
export class ConstPool {
  readonly slots = new Map<number, number>();

  add(programs: readonly ProgramSource[]): this {
    for (const p of programs)
      for (const insn of p.code.insns) {
        const src = insn.kind === 'alu' || insn.kind === 'jmp' ? insn.src : insn.kind === 'alu3' ? insn.b : undefined;
        if (src?.type === 'imm' && !this.slots.has(src.value)) this.slots.set(src.value, FIRST_CONST + this.slots.size);
      }
    return this;
  }

  get size(): number {
    return FIRST_CONST + this.slots.size;
  }

  /** Writes the constants into the machine's register arrays. */
  install(m: Machine): void {
    for (const [v, slot] of this.slots) {
      m.L[slot] = v;
      m.H[slot] = v >> 31;
    }
  }
}

interface Ctx {
  readonly m: Machine;
  readonly pool: ConstPool;
  readonly src: ProgramSource;
  readonly code: Handler[];
  readonly slots: number[];
}

export function compileProgram(src: ProgramSource, index: number, m: Machine, pool: ConstPool): CompiledProgram {
  const { insns, pcs } = src.code;
  const cx: Ctx = { m, pool, src, code: [], slots: [...pcs] };
  for (let i = 0; i < insns.length; i++) cx.code.push(handlerFor(cx, insns[i], i));
  // falling off the end
  const endSlot = src.code.slots;
  trapAt(cx, endSlot, 'execution ran past the last instruction');
  return { name: src.name, index, code: cx.code, slots: cx.slots, size: insns.length };
}

/** Appends a handler that traps; returns its index (a jump target for bad jumps). */
function trapAt(cx: Ctx, slot: number, message: string): number {
  const m = cx.m;
  cx.code.push(() => m.fail('invalid-insn', message, slot));
  cx.slots.push(slot);
  return cx.code.length - 1;
}

/** The index a jump or local call goes to, or a trapping handler's when it lands on no instruction. */
function targetIndex(cx: Ctx, insn: Insn, pc: number): number {
  const t = branchTarget(insn, pc);
  if (t === undefined) return -1;
  return indexAt(cx, t) ?? trapAt(cx, pc, `jump to slot ${t}, which is ${t < 0 || t >= cx.src.code.slots ? 'outside the program' : 'the middle of an lddw'}`);
}

/** The instruction at a slot, or undefined outside the program or inside an lddw. */
function indexAt(cx: Ctx, slot: number): number | undefined {
  const i = slot >= 0 && slot < cx.src.code.slots ? cx.src.code.indexOfSlot[slot] : -1;
  return i >= 0 ? i : undefined;
}

const slotOf = (cx: Ctx, o: Operand): number => (o.type === 'reg' ? o.reg : cx.pool.slots.get(o.value)!);

function sourceSlot(cx: Ctx, insn: Insn): number {
  switch (insn.kind) {
    case 'alu': case 'jmp': return slotOf(cx, insn.src);
    case 'alu3': return slotOf(cx, insn.b);
    default: return -1;
  }
}

const NO_VALUE: LddwValue = [0, 0];

function handlerFor(cx: Ctx, insn: Insn, i: number): Handler {
  const pc = cx.slots[i];
  const value = insn.kind === 'lddw' ? lddwValue(cx.m, insn, pc, cx.src.mapRefs?.get(i), (slot) => indexAt(cx, slot)) : NO_VALUE;
  const kfunc = insn.kind === 'call' && insn.target === 'kfunc' ? cx.src.kfuncs?.get(i) : undefined;
  return semantics(cx.m, insn, { pc, next: i + 1, target: targetIndex(cx, insn, pc), src: sourceSlot(cx, insn), value, kfunc });
}
