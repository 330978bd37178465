// What each instruction does, as one handler per instruction built over the machine's register
// arrays: every engine gets its behaviour here (the interpreter per instruction, the coming core
// per syllable). Not here: resolving jump targets and immediates to an engine's own numbering
// (the engine passes them in `Operands`), and stepping from one handler to the next (the engine's loop).

import { assertNever, Pseudo } from '../../isa/index.js';
import type { Insn } from '../../isa/index.js';
import type { MapRef } from '../../compiler/loader/types.js';
import { ALU32, ALU64, END, JMP32, JMP64, MOVSX } from './alu.js';
import type { Handler } from './alu.js';
import { atomicHandler } from './atomic.js';
import { FUNC_TAG, funcPointer } from './memory.js';
import { SCRATCH, SWITCH, TRAPPED } from './state.js';
import type { Machine } from './state.js';

/** An instruction's operands as the engine resolved them. */
export interface Operands {
  /** the instruction's slot: where its traps are reported */
  readonly pc: number;
  /** the index execution continues at */
  readonly next: number;
  /** jmp, ja, call-local: the target's index (the engine's numbering; a trap handler for bad ones) */
  readonly target: number;
  /** alu, jmp: the register slot of the source operand (an immediate's constant slot); alu3: of b */
  readonly src: number;
  /** lddw: what it loads (lddwValue) */
  readonly value: LddwValue;
}

/** The 64-bit value [hi, lo] an lddw loads, or the trap it raises instead. */
export type LddwValue = readonly [number, number] | { readonly trap: 'bad-pointer' | 'invalid-insn'; readonly message: string };

/** The handler that performs `insn` on `m` and returns the next index (or a stop code). */
export function semantics(m: Machine, insn: Insn, o: Operands): Handler {
  const { L, H } = m;
  const { pc, next: n } = o;
  switch (insn.kind) {
    case 'alu':
      if (insn.op === 'movsx') return MOVSX[insn.width][insn.extBits ?? 32](L, H, insn.dst, o.src, n);
      return (insn.width === 64 ? ALU64 : ALU32)[insn.op](L, H, insn.dst, o.src, n);
    case 'alu3': {
      const mov = ALU64.mov(L, H, SCRATCH, insn.a, n);
      const op = (insn.width === 64 ? ALU64 : ALU32)[insn.op](L, H, SCRATCH, o.src, n);
      const out = ALU64.mov(L, H, insn.dst, SCRATCH, n);
      return () => (mov(), op(), out());
    }
    case 'end':
      return END[insn.order === 'le' ? 'le' : 'be'][insn.bits](L, H, insn.dst, n);
    case 'jmp':
      return (insn.width === 64 ? JMP64 : JMP32)[insn.cond](L, H, insn.dst, o.src, o.target, n);
    case 'ja': {
      const t = o.target;
      return () => t;
    }
    case 'jlen': {
      const t = o.target, len = insn.len, host = m.host;
      return () => (host.packetLength() < len ? t : n);
    }
    case 'call':
      return helperCall(m, insn.target === 'helper' ? insn.id : -1, insn.id, pc, n);
    case 'call-local': {
      const t = o.target;
      return () => m.call(n, t, pc);
    }
    case 'callx':
      return callx(m, insn.reg, pc, n);
    case 'exit':
      return () => m.ret();
    case 'exit-imm': {
      const a = insn.action;
      return () => ((L[0] = a), (H[0] = a >> 31), m.ret());
    }
    case 'lddw': {
      const v = o.value;
      if ('trap' in v) {
        const { trap, message } = v;
        return () => m.fail(trap, message, pc);
      }
      const d = insn.dst, hi = v[0], lo = v[1];
      return () => ((L[d] = lo), (H[d] = hi), n);
    }
    case 'ldx':
    case 'st':
    case 'stx':
    case 'ldx6':
    case 'stx6':
      return memoryHandler(m, insn, pc, n);
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
function memoryHandler(m: Machine, insn: MemoryInsn, pc: number, n: number): Handler {
  const { L, H } = m;
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

/** A helper call (helperId < 0: a kfunc, which no engine implements). */
function helperCall(m: Machine, helperId: number, id: number, pc: number, n: number): Handler {
  const fn = helperId >= 0 ? m.host.helper(helperId) : undefined;
  if (!fn) {
    const what = helperId >= 0 ? `helper ${m.host.helperName(helperId)} (${helperId})` : `kernel function (kfunc) with BTF id ${id}`;
    return () => m.fail('unsupported-helper', `call to ${what}, which this interpreter does not implement`, pc);
  }
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
function callx(m: Machine, reg: number, pc: number, n: number): Handler {
  const { L, H } = m;
  const helpers = new Map<number, Handler>();
  return () => {
    if (H[reg] === FUNC_TAG) {
      const t = L[reg] >>> 0;
      if (t >= m.program.size) return m.fail('bad-call', `callx to instruction ${t}, outside the program`, pc);
      return m.call(n, t, pc);
    }
    if (H[reg] !== 0) return m.fail('bad-call', `callx through r${reg}, which holds neither a function address nor a helper number`, pc);
    const id = L[reg] >>> 0;
    let h = helpers.get(id);
    if (!h) helpers.set(id, (h = helperCall(m, id, id, pc, n)));
    return h();
  };
}

/**
 * The value an lddw loads: its immediate, a map or global-data address from the host, or a
 * function address (`funcIndex`: the engine's index of the function's slot); else why not.
 */
export function lddwValue(
  m: Machine, insn: Extract<Insn, { kind: 'lddw' }>, pc: number, ref: MapRef | undefined, funcIndex: (slot: number) => number | undefined,
): LddwValue {
  const pseudo = insn.pseudo;
  if (ref || pseudo === Pseudo.MAP_IDX || pseudo === Pseudo.MAP_IDX_VALUE) {
    const value = ref ? ref.kind === 'value' : pseudo === Pseudo.MAP_IDX_VALUE;
    const a = m.host.mapAddress(ref ? ref.map : insn.lo, value, ref ? ref.offset : value ? insn.hi : 0);
    return typeof a === 'string' ? { trap: 'bad-pointer', message: a } : a;
  }
  if (pseudo === Pseudo.FUNC) {
    const slot = pc + (insn.lo | 0) + 1;
    const t = funcIndex(slot);
    return t === undefined ? { trap: 'invalid-insn', message: `lddw of a function at slot ${slot}, which starts no instruction` } : funcPointer(t);
  }
  if (pseudo !== Pseudo.IMM64) {
    const what = pseudo === Pseudo.MAP_FD || pseudo === Pseudo.MAP_VALUE ? `map fd ${insn.lo} with no map relocation` : `pseudo source ${pseudo} (BTF id)`;
    return { trap: 'invalid-insn', message: `lddw of ${what} cannot be resolved` };
  }
  return [insn.hi | 0, insn.lo | 0];
}
