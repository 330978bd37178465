// Def-use of one instruction: the registers it reads, writes and clobbers, and the memory it may
// read or write, by region class. Pure facts about the instruction alone; what a pointer register
// points at (alias analysis) and what a local callee does are for compiler/analysis.

import { helperArgCount, HELPER_MEMORY, helperName } from './helpers.js';
import type { HelperSize } from './helpers.js';
import { assertNever } from './insn.js';
import type { Insn, Operand, Reg } from './insn.js';
import { FP } from './opcodes.js';

/** Memory an instruction may touch, by what the instruction alone says about the address. */
export type MemAccess =
  /** r10 + off: the function's own stack frame (off is negative in valid programs) */
  | { readonly region: 'stack'; readonly off: number; readonly size: number }
  /** base + off through a register whose region is unknown here (alias analysis resolves it) */
  | { readonly region: 'pointer'; readonly base: Reg; readonly off: number; readonly size: HelperSize }
  /** the packet itself: legacy ld-abs/ld-ind (at imm, plus `index` for ld-ind) or a packet helper */
  | { readonly region: 'packet'; readonly off?: number; readonly size?: number; readonly index?: Reg }
  /** the contents of a map, through a map helper (the map is the one passed in r1) */
  | { readonly region: 'map' }
  /** anything: an unknown helper, a kfunc, a local or indirect call */
  | { readonly region: 'any' };

export interface DefUse {
  /** registers whose value the instruction uses (sorted, no repeats) */
  readonly reads: readonly Reg[];
  /** registers it gives a value (sorted, no repeats) */
  readonly writes: readonly Reg[];
  /** registers it leaves undefined (r1-r5 after a call, as the calling convention says) */
  readonly clobbers: readonly Reg[];
  readonly memReads: readonly MemAccess[];
  readonly memWrites: readonly MemAccess[];
}

/** r1-r5: the argument registers a call clobbers. */
export const CALLER_SAVED: readonly Reg[] = [1, 2, 3, 4, 5];
/** r1..rN */
const args = (n: number): Reg[] => CALLER_SAVED.slice(0, n);
const ANY: readonly MemAccess[] = [{ region: 'any' }];

function regs(...rs: (Reg | undefined)[]): Reg[] {
  return [...new Set(rs.filter((r): r is Reg => r !== undefined))].sort((a, b) => a - b);
}

const opReg = (o: Operand): Reg | undefined => (o.type === 'reg' ? o.reg : undefined);

/** A load or store at base + off: the stack when the base is r10, else an unknown pointer. */
export function memAt(base: Reg, off: number, size: number): MemAccess {
  return base === FP ? { region: 'stack', off, size } : { region: 'pointer', base, off, size };
}

function du(reads: Reg[], writes: Reg[], mem: { r?: readonly MemAccess[]; w?: readonly MemAccess[]; clobbers?: readonly Reg[] } = {}): DefUse {
  return { reads, writes, clobbers: mem.clobbers ?? [], memReads: mem.r ?? [], memWrites: mem.w ?? [] };
}

/** The def-use of one instruction. */
export function defuse(insn: Insn): DefUse {
  switch (insn.kind) {
    case 'alu': {
      const readsDst = insn.op !== 'mov' && insn.op !== 'movsx';
      return du(regs(readsDst ? insn.dst : undefined, opReg(insn.src)), [insn.dst]);
    }
    case 'alu3': return du(regs(insn.a, opReg(insn.b)), [insn.dst]);
    case 'end': return du([insn.dst], [insn.dst]);
    case 'jmp': return du(regs(insn.dst, opReg(insn.src)), []);
    case 'ja': return du([], []);
    case 'jlen': return du([], []);
    case 'call': return callDefUse(insn.target, insn.id);
    case 'call-local': return du(args(5), [0], { r: ANY, w: ANY, clobbers: CALLER_SAVED });
    case 'callx': return du(regs(insn.reg, ...args(5)), [0], { r: ANY, w: ANY, clobbers: CALLER_SAVED });
    case 'exit': return du([0], []);
    case 'exit-imm': return du([], [0]);
    case 'lddw': return du([], [insn.dst]);
    case 'ldx': return du([insn.src], [insn.dst], { r: [memAt(insn.src, insn.off, insn.size)] });
    case 'ldx6': return du([insn.src], [insn.dst], { r: [memAt(insn.src, insn.off, 6)] });
    case 'st': return du([insn.dst], [], { w: [memAt(insn.dst, insn.off, insn.size)] });
    case 'stx': return du(regs(insn.dst, insn.src), [], { w: [memAt(insn.dst, insn.off, insn.size)] });
    case 'stx6': return du(regs(insn.dst, insn.src), [], { w: [memAt(insn.dst, insn.off, 6)] });
    case 'atomic': {
      const cmpxchg = insn.op === 'cmpxchg';
      const at = [memAt(insn.dst, insn.off, insn.size)];
      const out = insn.fetch || cmpxchg || insn.op === 'xchg' ? [cmpxchg ? 0 : insn.src] : [];
      return du(regs(insn.dst, insn.src, cmpxchg ? 0 : undefined), out, { r: at, w: at });
    }
    // legacy packet loads use r6 as the skb implicitly and clobber r1-r5 (the kernel verifier's rule)
    case 'ld-abs': return du([6], [0], { r: [{ region: 'packet', off: insn.imm, size: insn.size }], clobbers: CALLER_SAVED });
    case 'ld-ind':
      return du(regs(6, insn.src), [0], { r: [{ region: 'packet', off: insn.imm, size: insn.size, index: insn.src }], clobbers: CALLER_SAVED });
    default: return assertNever(insn);
  }
}

/** A helper reads r1..rN for its N arguments, writes r0 and clobbers r1-r5; kfuncs are unknown (r1-r5, any memory). */
function callDefUse(target: 'helper' | 'kfunc', id: number): DefUse {
  if (target === 'kfunc') return du(args(5), [0], { r: ANY, w: ANY, clobbers: CALLER_SAVED });
  const reads = args(helperArgCount(id));
  const mem = HELPER_MEMORY[helperName(id).replace(/^bpf_/, '')];
  if (!mem) return du(reads, [0], { r: ANY, w: ANY, clobbers: CALLER_SAVED });
  const r: MemAccess[] = mem.reads.map((a) => ({ region: 'pointer', base: a.reg, off: 0, size: a.size }));
  const w: MemAccess[] = mem.writes.map((a) => ({ region: 'pointer', base: a.reg, off: 0, size: a.size }));
  if (mem.map === 'read' || mem.map === 'write') r.push({ region: 'map' });
  if (mem.map === 'write') w.push({ region: 'map' });
  if (mem.packet === 'read' || mem.packet === 'write') r.push({ region: 'packet' });
  if (mem.packet === 'write') w.push({ region: 'packet' });
  return du(reads, [0], { r, w, clobbers: CALLER_SAVED });
}
