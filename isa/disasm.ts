// The disassembler, in the syntax of llvm-objdump -d (LLVM 14); for what LLVM 14 cannot print
// (v4 instructions, jset, st, callx) the syntax of LLVM 17+, and a readable syntax of our own for
// the core's extensions. Text only: symbols come from the caller, nothing is read from files.

import type { DecodedProgram } from './decode.js';
import { encodeInsn } from './encode.js';
import { assertNever, lddwValue } from './insn.js';
import type { AtomicInsn, Insn, Operand, Reg } from './insn.js';
import type { AluOp, JmpCond, Width } from './opcodes.js';
import { writeSlot } from './raw.js';
import { branchTarget } from './validate.js';

export interface DisasmOptions {
  /**
   * Symbol names by slot index, as llvm-objdump finds them in the object (functions, LBB labels,
   * or the section itself as `.text` when it has no other). A jump then ends in ` <name>` when a
   * symbol is at its target, or ` <name+0xN>` (N in bytes) after the nearest symbol before it.
   */
  readonly symbols?: ReadonlyMap<number, string>;
  /**
   * Print 32-bit (and narrower) loads, stores and atomics with w registers, as
   * `llvm-objdump --mattr=+alu32` does; by default they use r registers, as plain llvm-objdump.
   */
  readonly alu32?: boolean;
}

/** The C-like operator of each ALU operation (`r1 += r2`, `r1 s/= r2`). */
const ALU_SYMBOL: Record<Exclude<AluOp, 'neg' | 'mov' | 'movsx'>, string> = {
  add: '+', sub: '-', mul: '*', div: '/', sdiv: 's/', or: '|', and: '&', lsh: '<<', rsh: '>>', mod: '%',
  smod: 's%', xor: '^', arsh: 's>>',
};

const COND_SYMBOL: Record<JmpCond, string> = {
  jeq: '==', jne: '!=', jgt: '>', jge: '>=', jlt: '<', jle: '<=', jsgt: 's>', jsge: 's>=', jslt: 's<', jsle: 's<=',
  jset: '&',
};

const ATOMIC_SYMBOL = { add: '+', or: '|', and: '&', xor: '^' } as const;

const r = (n: Reg) => `r${n}`;
const w = (n: Reg) => `w${n}`;
const regOf = (width: Width) => (width === 64 ? r : w);
const rel = (off: number) => (off >= 0 ? `+${off}` : `${off}`);
/** `(r1 + 8)`, `(r10 - 4)` */
const addr = (base: Reg, off: number) => `(r${base} ${off < 0 ? '-' : '+'} ${Math.abs(off)})`;
const operand = (o: Operand, width: Width) => (o.type === 'reg' ? regOf(width)(o.reg) : `${o.value}`);

const sortedSymbols = new WeakMap<ReadonlyMap<number, string>, number[]>();

/** ` <name>` or ` <name+0xN>` for a branch target, from the nearest symbol at or before it. */
function targetLabel(target: number, symbols: ReadonlyMap<number, string> | undefined): string {
  if (!symbols) return '';
  let keys = sortedSymbols.get(symbols);
  if (!keys) {
    keys = [...symbols.keys()].sort((a, b) => a - b);
    sortedSymbols.set(symbols, keys);
  }
  let at: number | undefined;
  for (const k of keys) if (k <= target) at = k;
  if (at === undefined) return '';
  const name = symbols.get(at)!;
  return at === target ? ` <${name}>` : ` <${name}+0x${((target - at) * 8).toString(16)}>`;
}

function aluText(insn: Extract<Insn, { kind: 'alu' }>): string {
  const d = regOf(insn.width)(insn.dst);
  switch (insn.op) {
    case 'neg': return `${d} = -${d}`;
    case 'mov': return `${d} = ${operand(insn.src, insn.width)}`;
    case 'movsx': return `${d} = (s${insn.extBits})${operand(insn.src, insn.width)}`;
    default: return `${d} ${ALU_SYMBOL[insn.op]}= ${operand(insn.src, insn.width)}`;
  }
}

function atomicText(insn: AtomicInsn, alu32: boolean): string {
  const bits = insn.size * 8;
  const a = addr(insn.dst, insn.off);
  const reg = insn.size === 8 ? r : w;
  // xchg_64 / xchg32_32, cmpxchg_64 / cmpxchg32_32 take the address without parentheses
  const fn = `${insn.op}${insn.size === 8 ? '' : '32'}_${bits}(${a.slice(1, -1)}`;
  if (insn.op === 'xchg') return `${reg(insn.src)} = ${fn}, ${reg(insn.src)})`;
  if (insn.op === 'cmpxchg') return `${reg(0)} = ${fn}, ${reg(0)}, ${reg(insn.src)})`;
  if (insn.fetch) return `${reg(insn.src)} = atomic_fetch_${insn.op}((u${bits} *)${a}, ${reg(insn.src)})`;
  const src = insn.size === 8 || !alu32 ? r(insn.src) : w(insn.src);
  return `lock *(u${bits} *)${a} ${ATOMIC_SYMBOL[insn.op]}= ${src}`;
}

function lddwText(insn: Extract<Insn, { kind: 'lddw' }>): string {
  if (insn.pseudo === 0) return `r${insn.dst} = ${BigInt.asIntN(64, lddwValue(insn))} ll`;
  // LLVM prints the pseudo source and the first imm; the second imm is ours, when it is not 0
  const hi = insn.hi === 0 ? '' : `, ${insn.hi | 0}`;
  return `ld_pseudo\tr${insn.dst}, ${insn.pseudo}, ${insn.lo | 0}${hi}`;
}

/**
 * The text llvm-objdump -d prints for one instruction (after the hex bytes), e.g.
 * `if r1 > r2 goto +32 <LBB0_6>`. `pc` is the instruction's slot index (for jump labels).
 */
export function disassembleInsn(insn: Insn, pc: number, opts: DisasmOptions = {}): string {
  const alu32 = opts.alu32 === true;
  const narrow = (size: number, n: Reg) => (alu32 && size < 8 ? w(n) : r(n));
  switch (insn.kind) {
    case 'alu': return aluText(insn);
    case 'alu3': return `${regOf(insn.width)(insn.dst)} = ${regOf(insn.width)(insn.a)} ${ALU_SYMBOL[insn.op]} ${operand(insn.b, insn.width)}`;
    case 'end': return `r${insn.dst} = ${insn.order}${insn.bits} r${insn.dst}`;
    case 'jmp': {
      const reg = regOf(insn.width);
      const label = targetLabel(branchTarget(insn, pc)!, opts.symbols);
      return `if ${reg(insn.dst)} ${COND_SYMBOL[insn.cond]} ${operand(insn.src, insn.width)} goto ${rel(insn.off)}${label}`;
    }
    case 'ja': return `${insn.wide ? 'gotol' : 'goto'} ${rel(insn.off)}${targetLabel(branchTarget(insn, pc)!, opts.symbols)}`;
    case 'call': return `call ${insn.id}`;
    case 'call-local': return `call ${insn.off}`;
    case 'callx': return `callx r${insn.reg}`;
    case 'exit': return 'exit';
    case 'exit-imm': return `exit ${insn.action}`;
    case 'jlen': return `if len < ${insn.len} goto ${rel(insn.off)}${targetLabel(branchTarget(insn, pc)!, opts.symbols)}`;
    case 'lddw': return lddwText(insn);
    case 'ldx': {
      const dst = insn.signed ? r(insn.dst) : narrow(insn.size, insn.dst);
      return `${dst} = *(${insn.signed ? 's' : 'u'}${insn.size * 8} *)${addr(insn.src, insn.off)}`;
    }
    case 'ldx6': return `r${insn.dst} = *(u48 *)${addr(insn.src, insn.off)}`;
    case 'st': return `*(u${insn.size * 8} *)${addr(insn.dst, insn.off)} = ${insn.imm}`;
    case 'stx': return `*(u${insn.size * 8} *)${addr(insn.dst, insn.off)} = ${narrow(insn.size, insn.src)}`;
    case 'stx6': return `*(u48 *)${addr(insn.dst, insn.off)} = r${insn.src}`;
    case 'atomic': return atomicText(insn, alu32);
    case 'ld-abs': return `r0 = *(u${insn.size * 8} *)skb[${insn.imm}]`;
    case 'ld-ind': return `r0 = *(u${insn.size * 8} *)skb[r${insn.src}${insn.imm === 0 ? '' : ` ${insn.imm < 0 ? '-' : '+'} ${Math.abs(insn.imm)}`}]`;
    default: return assertNever(insn);
  }
}

/** The instruction's bytes as llvm-objdump shows them: `b7 01 00 00 00 00 00 00` (16 for lddw). */
export function hexBytes(insn: Insn): string {
  const slots = encodeInsn(insn);
  const bytes = new Uint8Array(slots.length * 8);
  slots.forEach((s, i) => writeSlot(bytes, i, s));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** The lines llvm-objdump prints before a symbol at slot `pc`: an empty line and `0000000000000130 <LBB0_6>:`. */
export function symbolLines(pc: number, name: string): [string, string] {
  return ['', `${(pc * 8).toString(16).padStart(16, '0')} <${name}>:`];
}

/** One instruction as llvm-objdump -d lists it: `      0:\tb7 01 00 00 00 00 00 00\tr1 = 0`. */
export function insnLine(insn: Insn, pc: number, opts: DisasmOptions = {}): string {
  return `${String(pc).padStart(8)}:\t${hexBytes(insn)}\t${disassembleInsn(insn, pc, opts)}`;
}

/** The program as llvm-objdump -d lists a section: symbolLines before each symbol, insnLine per instruction. */
export function disassemble(decoded: DecodedProgram, opts: DisasmOptions = {}): string[] {
  const lines: string[] = [];
  decoded.insns.forEach((insn, i) => {
    const pc = decoded.pcs[i];
    const sym = opts.symbols?.get(pc);
    if (sym !== undefined) lines.push(...symbolLines(pc, sym));
    lines.push(insnLine(insn, pc, opts));
  });
  return lines;
}
