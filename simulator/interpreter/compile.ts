// Turns a decoded program into handlers (closure-threaded code): one closure per instruction,
// with jump targets resolved to instruction indexes and immediates turned into constant register
// slots. Behaviour lives in alu.ts (arithmetic, jumps) and machine.ts (memory, calls).

import { assertNever } from '../../isa/index.js';
import type { DecodedProgram, Insn, Operand } from '../../isa/index.js';
import { Pseudo } from '../../isa/index.js';
import type { MapRef } from '../../compiler/loader/types.js';
import { ALU32, ALU64, END, JMP32, JMP64, MOVSX } from './alu.js';
import type { Handler } from './alu.js';
import { atomicHandler } from './atomic.js';
import { FIRST_CONST, SCRATCH, SWITCH, TRAPPED } from './machine.js';
import type { CompiledProgram, Machine } from './machine.js';
import { FUNC_TAG, funcPointer } from './memory.js';

/** What compile needs of a program (a loader Program fits). */
export interface ProgramSource {
  readonly name: string;
  readonly code: DecodedProgram;
  readonly mapRefs?: ReadonlyMap<number, MapRef>;
  /** kfunc calls: instruction index → the kernel function's name */
  readonly kfuncs?: ReadonlyMap<number, string>;
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
  readonly L: Int32Array;
  readonly H: Int32Array;
  readonly pool: ConstPool;
  readonly src: ProgramSource;
  /** slot index → instruction index */
  readonly indexOfSlot: Map<number, number>;
  readonly code: Handler[];
  readonly slots: number[];
}

export function compileProgram(src: ProgramSource, index: number, m: Machine, pool: ConstPool): CompiledProgram {
  const { insns, pcs } = src.code;
  const indexOfSlot = new Map<number, number>();
  pcs.forEach((slot, i) => indexOfSlot.set(slot, i));
  const cx: Ctx = { m, L: m.L, H: m.H, pool, src, indexOfSlot, code: [], slots: [...pcs] };
  for (let i = 0; i < insns.length; i++) cx.code.push(handlerFor(cx, insns[i], i));
  // falling off the end
  const endSlot = src.code.slots;
  trapAt(cx, endSlot, 'invalid-insn', 'execution ran past the last instruction');
  return { name: src.name, index, code: cx.code, slots: cx.slots, size: insns.length };
}

/** Appends a handler that traps; returns its index (a jump target for bad jumps). */
function trapAt(cx: Ctx, slot: number, kind: 'invalid-insn' | 'bad-call', message: string): number {
  const m = cx.m;
  cx.code.push(() => m.fail(kind, message, slot));
  cx.slots.push(slot);
  return cx.code.length - 1;
}

function target(cx: Ctx, pc: number, off: number): number {
  const t = pc + off + 1;
  return cx.indexOfSlot.get(t) ?? trapAt(cx, pc, 'invalid-insn', `jump to slot ${t}, which is ${t < 0 || t >= cx.src.code.slots ? 'outside the program' : 'the middle of an lddw'}`);
}

const slotOf = (cx: Ctx, o: Operand): number => (o.type === 'reg' ? o.reg : cx.pool.slots.get(o.value)!);

function handlerFor(cx: Ctx, insn: Insn, i: number): Handler {
  const { m, L, H } = cx;
  const pc = cx.slots[i];
  const n = i + 1;
  switch (insn.kind) {
    case 'alu': {
      const s = slotOf(cx, insn.src);
      if (insn.op === 'movsx') return MOVSX[insn.width][insn.extBits ?? 32](L, H, insn.dst, s, n);
      return (insn.width === 64 ? ALU64 : ALU32)[insn.op](L, H, insn.dst, s, n);
    }
    case 'alu3': {
      const mov = ALU64.mov(L, H, SCRATCH, insn.a, n);
      const op = (insn.width === 64 ? ALU64 : ALU32)[insn.op](L, H, SCRATCH, slotOf(cx, insn.b), n);
      const out = ALU64.mov(L, H, insn.dst, SCRATCH, n);
      return () => (mov(), op(), out());
    }
    case 'end':
      return END[insn.order === 'le' ? 'le' : 'be'][insn.bits](L, H, insn.dst, n);
    case 'jmp':
      return (insn.width === 64 ? JMP64 : JMP32)[insn.cond](L, H, insn.dst, slotOf(cx, insn.src), target(cx, pc, insn.off), n);
    case 'ja': {
      const t = target(cx, pc, insn.off);
      return () => t;
    }
    case 'call':
      if (insn.target === 'kfunc') return kfuncCall(cx, insn.id, i, pc);
      return helperCall(cx, insn.id, pc, n);
    case 'call-local': {
      const t = target(cx, pc, insn.off);
      return () => m.call(n, t, pc);
    }
    case 'callx':
      return callx(cx, insn.reg, pc, n);
    case 'exit':
      return () => m.ret();
    case 'exit-imm': {
      const a = insn.action;
      return () => ((L[0] = a), (H[0] = a >> 31), m.ret());
    }
    case 'lddw':
      return lddw(cx, insn, i, pc, n);
    case 'ldx':
    case 'st':
    case 'stx':
    case 'ldx6':
    case 'stx6':
      return memoryHandler(cx, insn, pc, n);
    case 'atomic':
      return atomicHandler(m, insn, pc, n);
    case 'ld-abs':
    case 'ld-ind':
      return () => m.fail('invalid-insn', `legacy packet load (${insn.kind}) is not allowed in XDP programs`, pc);
    default:
      return assertNever(insn);
  }
}

type MemoryInsn = Extract<Insn, { kind: 'ldx' | 'st' | 'stx' | 'ldx6' | 'stx6' }>;

/** Loads and stores: the machine checks the region and bounds; a fault becomes a trap at pc. */
function memoryHandler(cx: Ctx, insn: MemoryInsn, pc: number, n: number): Handler {
  const { m, L, H } = cx;
  switch (insn.kind) {
    case 'ldx': {
      const { src, dst, off, size, signed } = insn;
      return () => (m.load(H[src], L[src], off, size, signed, dst) ? n : m.faulted(pc));
    }
    case 'st': {
      const { dst, off, size } = insn;
      const vl = insn.imm, vh = insn.imm >> 31;
      return () => (m.store(H[dst], L[dst], off, size, vh, vl) ? n : m.faulted(pc));
    }
    case 'stx': {
      const { src, dst, off, size } = insn;
      return () => (m.store(H[dst], L[dst], off, size, H[src], L[src]) ? n : m.faulted(pc));
    }
    case 'ldx6': {
      const { src, dst, off } = insn;
      return () => (m.load6(H[src], L[src], off, dst) ? n : m.faulted(pc));
    }
    case 'stx6': {
      const { src, dst, off } = insn;
      return () => (m.store6(H[dst], L[dst], off, H[src], L[src]) ? n : m.faulted(pc));
    }
  }
}

/** No kfunc is modelled: reaching the call traps, naming the kernel function. */
function kfuncCall(cx: Ctx, id: number, i: number, pc: number): Handler {
  const name = cx.src.kfuncs?.get(i);
  const what = name !== undefined ? `kernel function ${name} (kfunc)` : `kernel function (kfunc) with BTF id ${id}`;
  return () => cx.m.fail('unsupported-kfunc', `call to ${what}, which this interpreter does not model`, pc);
}

function helperCall(cx: Ctx, helperId: number, pc: number, n: number): Handler {
  const m = cx.m;
  const fn = m.host.helper(helperId);
  if (!fn) return () => m.fail('unsupported-helper', `call to helper ${m.host.helperName(helperId)} (${helperId}), which this interpreter does not implement`, pc);
  return () => {
    fn(m, pc);
    if (m.trap) return TRAPPED;
    if (m.switched) {
      m.switched = false;
      return SWITCH;
    }
    return n;
  };
}

/** callx: a function pointer (lddw of a function) makes a local call; a plain number calls that helper. */
function callx(cx: Ctx, reg: number, pc: number, n: number): Handler {
  const { m, L, H } = cx;
  const helpers = new Map<number, Handler>();
  return () => {
    if (H[reg] === FUNC_TAG) {
      const t = L[reg] >>> 0;
      if (t >= cx.src.code.insns.length) return m.fail('bad-call', `callx to instruction ${t}, outside the program`, pc);
      return m.call(n, t, pc);
    }
    if (H[reg] !== 0) return m.fail('bad-call', `callx through r${reg}, which holds neither a function address nor a helper number`, pc);
    const id = L[reg] >>> 0;
    let h = helpers.get(id);
    if (!h) helpers.set(id, (h = helperCall(cx, id, pc, n)));
    return h();
  };
}

function lddw(cx: Ctx, insn: Extract<Insn, { kind: 'lddw' }>, i: number, pc: number, n: number): Handler {
  const { m, L, H } = cx;
  const d = insn.dst;
  let hi = insn.hi | 0, lo = insn.lo | 0;
  const ref = cx.src.mapRefs?.get(i);
  const pseudo = insn.pseudo;
  if (ref || pseudo === Pseudo.MAP_IDX || pseudo === Pseudo.MAP_IDX_VALUE) {
    const value = ref ? ref.kind === 'value' : pseudo === Pseudo.MAP_IDX_VALUE;
    const a = m.host.mapAddress(ref ? ref.map : insn.lo, value, ref ? ref.offset : value ? insn.hi : 0);
    if (typeof a === 'string') return () => m.fail('bad-pointer', a, pc);
    [hi, lo] = a;
  } else if (pseudo === Pseudo.FUNC) {
    const t = cx.indexOfSlot.get(pc + (insn.lo | 0) + 1);
    if (t === undefined) return () => m.fail('invalid-insn', `lddw of a function at slot ${pc + (insn.lo | 0) + 1}, which starts no instruction`, pc);
    [hi, lo] = funcPointer(t);
  } else if (pseudo !== Pseudo.IMM64) {
    const what = pseudo === Pseudo.MAP_FD || pseudo === Pseudo.MAP_VALUE ? `map fd ${insn.lo} with no map relocation` : `pseudo source ${pseudo} (BTF id)`;
    return () => m.fail('invalid-insn', `lddw of ${what} cannot be resolved`, pc);
  }
  return () => ((L[d] = lo), (H[d] = hi), n);
}
