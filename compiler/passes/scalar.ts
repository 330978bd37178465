// Scalar passes on the domain's ranges: constant propagation into operands (and store-immediate),
// removal of operations that cannot change their register (a mask wider than the value, a
// zero-extending shift pair, `rX = c` when rX is c), and zeroing stores the core makes redundant.

import { defuse } from '../../isa/index.js';
import type { Insn, JmpCond, Operand } from '../../isa/index.js';
import type { IrProgram } from '../ir/index.js';
import { replaceInsn, walk } from '../ir/index.js';
import { bytesOf, knownBytes } from '../analysis/state.js';
import type { AState } from '../analysis/state.js';
import { constOf } from '../analysis/values.js';
import type { AVal } from '../analysis/values.js';
import { availableCopies, copyRoots, equal } from '../analysis/copies.js';
import type { Copies } from '../analysis/copies.js';
import type { Pass, PassContext } from './types.js';
import { show } from './types.js';

/** A known constant that an imm field carries unchanged (sign-extension of a non-negative int32). */
function immOf(s: AState, r: number): number | undefined {
  const c = constOf(s.regs[r]);
  return c !== undefined && c < 2 ** 31 ? c : undefined;
}

const SWAP: Partial<Record<JmpCond, JmpCond>> = {
  jeq: 'jeq', jne: 'jne', jset: 'jset', jgt: 'jlt', jge: 'jle', jlt: 'jgt', jle: 'jge', jsgt: 'jslt', jsge: 'jsle', jslt: 'jsgt', jsle: 'jsge',
};

/** The instruction with a known register operand replaced by an immediate, or undefined. */
function withImmediate(insn: Insn, s: AState): Insn | undefined {
  const imm = (value: number): Operand => ({ type: 'imm', value });
  switch (insn.kind) {
    case 'alu': {
      const c = insn.src.type === 'reg' && insn.op !== 'movsx' ? immOf(s, insn.src.reg) : undefined;
      return c === undefined ? undefined : { ...insn, src: imm(c) };
    }
    case 'jmp': {
      if (insn.src.type !== 'reg') return undefined;
      const c = immOf(s, insn.src.reg);
      if (c !== undefined) return { ...insn, src: imm(c) };
      const d = immOf(s, insn.dst);
      return d === undefined ? undefined : { ...insn, cond: SWAP[insn.cond]!, dst: insn.src.reg, src: imm(d) };
    }
    case 'stx': {
      const c = immOf(s, insn.src);
      return c === undefined ? undefined : { kind: 'st', size: insn.size, dst: insn.dst, off: insn.off, imm: c };
    }
    default: return undefined;
  }
}

export const constPropPass: Pass = {
  name: 'const-prop',
  summary: 'replace registers the domain knows to be constant by immediates (operands, compares, store-immediate)',
  soundness: 'When the domain proves a register holds the constant c (0 <= c < 2^31) on every path, an immediate c is the same operand: sign-extension of a non-negative 32-bit immediate gives c in 64-bit operations, and 32-bit operations and narrow stores read only its low bits. A compare of a constant against a register swaps its operands with the mirrored condition.',
  syllables: [],
  run(ir: IrProgram, cx: PassContext): number {
    const a = cx.analysis();
    let n = 0;
    for (const site of [...walk(ir)]) {
      const s = a.before.get(site.insn);
      const next = s && withImmediate(site.insn.insn, s);
      if (!s || !next) continue;
      const before = show(site.insn);
      const made = replaceInsn(site.block, site.at, next, { target: site.insn.target, mapRef: site.insn.mapRef });
      cx.report(site.insn, `${before} -> ${show(made)}`, 'the domain proves the register holds this constant on every path here', {});
      n++;
    }
    return n;
  },
};

/** Why `insn` cannot change anything in state s, or undefined. */
function noOp(insn: Insn, s: AState, eq: Copies | undefined): string | undefined {
  if (insn.kind === 'alu' && insn.op === 'mov') {
    if (insn.width === 64 && insn.src.type === 'reg' && insn.src.reg !== insn.dst && eq && equal(eq, insn.dst, insn.src.reg))
      return `r${insn.dst} already equals r${insn.src.reg} on every path here (copied from it, and neither written since)`;
    if (insn.src.type === 'reg' && insn.src.reg === insn.dst) {
      const v = s.regs[insn.dst];
      if (insn.width === 64) return 'a register moved to itself';
      if (v.k === 'num' && v.hi < 2 ** 32) return `w${insn.dst} = w${insn.dst} zero-extends a value the domain proves below 2^32`;
      return undefined;
    }
    const c = constOf(s.regs[insn.dst]);
    const want = insn.src.type === 'imm' ? (insn.width === 64 ? insn.src.value : insn.src.value >>> 0) : undefined;
    if (c !== undefined && want !== undefined && c === want) return `r${insn.dst} already holds ${c} on every path here`;
  }
  if (insn.kind === 'lddw' && insn.pseudo === 0 && insn.hi === 0) {
    const c = constOf(s.regs[insn.dst]);
    if (c !== undefined && c === insn.lo) return `r${insn.dst} already holds ${c} on every path here`;
  }
  if (insn.kind === 'alu' && insn.op === 'and' && insn.src.type === 'imm') {
    const v = s.regs[insn.dst];
    const mask = insn.src.value >>> 0;
    if (v.k !== 'num' || v.hi >= 2 ** 32) return undefined;
    const low = 2 ** Math.ceil(Math.log2(v.hi + 1)) - 1;
    if ((mask & low) >>> 0 === low) return `r${insn.dst} is in [${v.lo}, ${v.hi}], whose bits the mask 0x${mask.toString(16)} all keeps`;
  }
  return undefined;
}

export const redundantPass: Pass = {
  name: 'redundant',
  summary: 'remove operations that cannot change their register: masks wider than the value, zero-extending shift pairs and moves, moves of the value already held',
  soundness: 'For every value in the proven range the operation returns its input: a mask keeping all bits the range can set; `<<= k; >>= k` (or s>>=) on a value below 2^(64-k) (2^(63-k)); `w = w` on a value below 2^32; `r = c` when r is already c; `rX = rY` when available copies (a forward must-analysis: rX was copied from rY, or both from one register, and neither written since, on every path) show they are already equal. Removing several at once is sound: each leaves every register as it was, so none changes what the others see.',
  syllables: [],
  run(ir: IrProgram, cx: PassContext): number {
    const a = cx.analysis();
    const copies = availableCopies(ir);
    let n = 0;
    for (const site of [...walk(ir)].reverse()) {
      const s = a.before.get(site.insn);
      if (!s) continue;
      const why = noOp(site.insn.insn, s, copies.before.get(site.insn));
      if (why) {
        cx.report(site.insn, `${show(site.insn)}: removed`, why, { removed: 1 });
        site.block.insns.splice(site.at, 1);
        n++;
        continue;
      }
      const next = site.block.insns[site.at + 1];
      const pairWhy = next && shiftPair(site.insn.insn, next.insn, s);
      if (pairWhy) {
        cx.report(site.insn, `${show(site.insn)}; ${show(next)}: removed`, pairWhy, { removed: 2 });
        site.block.insns.splice(site.at, 2);
        n++;
      }
    }
    return n;
  },
};

/** `rX <<= 32; rX >>= 32` (or s>>= 32) on a value that already fits: the pair is the identity. */
function shiftPair(a: Insn, b: Insn, s: AState): string | undefined {
  if (a.kind !== 'alu' || b.kind !== 'alu' || a.width !== 64 || b.width !== 64 || a.dst !== b.dst) return undefined;
  if (a.op !== 'lsh' || (b.op !== 'rsh' && b.op !== 'arsh') || a.src.type !== 'imm' || b.src.type !== 'imm') return undefined;
  const k = a.src.value;
  if (b.src.value !== k || k <= 0 || k >= 64) return undefined;
  const v = s.regs[a.dst];
  const limit = 2 ** (64 - k - (b.op === 'arsh' ? 1 : 0));
  if (v.k !== 'num' || v.hi >= limit) return undefined;
  return `r${a.dst} is in [${v.lo}, ${v.hi}], below 2^${Math.log2(limit)}: shifting left and back by ${k} gives it back unchanged`;
}

export const zeroingPass: Pass = {
  name: 'zeroing',
  summary: 'remove stores of zero (or of any constant) to stack bytes that already hold it (the core clears the stack at every packet when CoreConfig.clearsStack)',
  soundness: 'The domain tracks the value of each frame byte when it is the same on every path: zero for all of them at entry only when CoreConfig.clearsStack (the xdp2hw core; not hxdp, whose VHDL never clears the stack), the bytes of every store of a constant (little-endian), forgotten by any other store, by helpers writing through stack pointers and by stores through pointers of unknown origin. A store of a constant whose bytes the frame already holds writes nothing new; as it changes no memory at any point of any execution, every such store can go at once.',
  syllables: [],
  run(ir: IrProgram, cx: PassContext): number {
    const a = cx.analysis();
    let n = 0;
    for (const site of [...walk(ir)].reverse()) {
      const s = a.before.get(site.insn);
      const insn = site.insn.insn;
      if (!s || (insn.kind !== 'st' && insn.kind !== 'stx')) continue;
      const c = insn.kind === 'st' ? BigInt(insn.imm) : constOf(s.regs[insn.src]) !== undefined ? BigInt(constOf(s.regs[insn.src])!) : undefined;
      const base = s.regs[insn.dst];
      if (c === undefined || base.k !== 'fp') continue;
      const at = base.off + insn.off;
      const held = knownBytes(s, at, insn.size);
      const want = bytesOf(c, insn.size);
      if (!held || held.some((b, i) => b !== want[i])) continue;
      const zero = want.every((b) => b === 0);
      const why = zero && cx.options.core.clearsStack ? 'the core zeroes the stack at every packet start and' : '';
      cx.report(site.insn, `${show(site.insn)}: removed`,
        `${why} on every path here r10${at}..r10${at + insn.size - 1} already hold ${zero ? 'zero' : `the bytes [${held.join(', ')}]`} (no other store reaches them), so the store writes nothing new`.trim(), { removed: 1 });
      site.block.insns.splice(site.at, 1);
      n++;
    }
    return n;
  },
};

/** ALU operations whose low 32 bits depend only on the low 32 bits of their operands. */
const LOW_BITS_OPS = new Set(['add', 'sub', 'mul', 'and', 'or', 'xor', 'mov']);

export const zext32Pass: Pass = {
  name: 'zext32',
  summary: '32-bit operations instead of zero-extending shift pairs (`rX op= Y; rX <<= 32; rX >>= 32` → `wX op= wY`, a lone pair → `wX = wX`) and of masks before a right shift (`rX = rY & 0xffffffff << k; rX >>= k` → `wX = wY >> k`)',
  soundness: 'Shifting left then right by 32 keeps the low 32 bits and clears the rest, which is what every 32-bit ALU operation does with its result. The low 32 bits of add, sub, mul, and, or, xor and mov depend only on the low 32 bits of their operands (a 32-bit immediate is the same low word either way), so the 64-bit operation followed by the pair equals the 32-bit operation. A mask M = 2^32 - 2^k (the domain proves the mask register holds it) keeps bits k..31 of y; shifting right by k leaves them at 0..31-k, which is exactly the 32-bit shift of y\'s low word by k (zero-extended). Nothing between the mask and the shift reads or writes rX or writes rY, so the 32-bit shift at the shift\'s place computes the same rX from the same y, and the mask goes.',
  syllables: [],
  run(ir: IrProgram, cx: PassContext): number {
    let n = 0;
    const a = cx.analysis();
    for (const fn of ir.functions)
      for (const b of fn.blocks)
        for (let at = b.insns.length - 2; at >= 0; at--) {
          const [sh, back] = [b.insns[at].insn, b.insns[at + 1].insn];
          if (!isShift(sh, 'lsh') || !isShift(back, 'rsh') || sh.dst !== back.dst) continue;
          const x = sh.dst;
          const prev = at > 0 ? b.insns[at - 1].insn : undefined;
          // not on pointers: a 32-bit operation on a pointer is outside the prover's model (docs/VERIFY.md)
          const st = at > 0 ? a.before.get(b.insns[at - 1]) : undefined;
          const scalar = (v: AVal | undefined) => v !== undefined && (v.k === 'num' || v.k === 'top');
          const merge = prev?.kind === 'alu' && prev.width === 64 && prev.dst === x && LOW_BITS_OPS.has(prev.op)
            && scalar(st?.regs[x]) && (prev.src.type === 'imm' || scalar(st?.regs[prev.src.reg]));
          const text = (merge ? [at - 1, at, at + 1] : [at, at + 1]).map((j) => show(b.insns[j])).join('; ');
          const made: Insn = merge && prev?.kind === 'alu' ? { ...prev, width: 32 } : { kind: 'alu', op: 'mov', width: 32, dst: x, src: { type: 'reg', reg: x } };
          const start = merge ? at - 1 : at;
          const out = replaceInsn(b, start, made);
          b.insns.splice(start + 1, merge ? 2 : 1);
          cx.report(out, `${text} -> ${show(out)}`, merge ? `the low 32 bits of a 64-bit ${made.kind === 'alu' ? made.op : ''} depend only on the low 32 bits of its operands, and the shift pair keeps exactly those` : 'shifting left and back by 32 is zero-extending the low 32 bits, as a 32-bit mov does', { fused: merge ? 2 : 1 });
          at = start;
          n++;
        }
    return n + maskShifts(ir, cx);
  },
};

/** `rX = rY & M` (or `rX &= M`) ... `rX >>= k` with M = 2^32 - 2^k → `wX = wY >> k` at the shift. */
function maskShifts(ir: IrProgram, cx: PassContext): number {
  const a = cx.analysis();
  let n = 0;
  for (const fn of ir.functions)
    for (const b of fn.blocks)
      for (let at = 0; at < b.insns.length; at++) {
        const and = b.insns[at].insn;
        const s = a.before.get(b.insns[at]);
        if (!s) continue;
        const [x, y, m] = and.kind === 'alu' && and.op === 'and' && and.width === 64 ? [and.dst, and.dst, and.src]
          : and.kind === 'alu3' && and.op === 'and' && and.width === 64 ? [and.dst, and.a, and.b] : [];
        if (x === undefined || y === undefined || !m) continue;
        const mask = m.type === 'reg' ? constOf(s.regs[m.reg]) : m.value >= 0 ? m.value : undefined;
        if (mask === undefined) continue;
        for (let j = at + 1; j < b.insns.length; j++) {
          const sh = b.insns[j].insn;
          const du = defuse(sh);
          if (sh.kind === 'alu' && sh.op === 'rsh' && sh.width === 64 && sh.dst === x && sh.src.type === 'imm') {
            const k = sh.src.value;
            if (k < 1 || k > 31 || mask !== 2 ** 32 - 2 ** k) break;
            const text = `${show(b.insns[at])}; ${show(b.insns[j])}`;
            const made = replaceInsn(b, j, y === x ? { kind: 'alu', op: 'rsh', width: 32, dst: x, src: { type: 'imm', value: k } } : { kind: 'alu3', op: 'rsh', width: 32, dst: x, a: y, b: { type: 'imm', value: k } });
            cx.report(b.insns[at], `${text} -> ${show(made)}`, `the mask is 0x${mask.toString(16)} = 2^32 - 2^${k} (${m.type === 'reg' ? `r${m.reg} holds it on every path here` : 'an immediate'}): it keeps bits ${k}..31, which the shift by ${k} moves down, exactly as a 32-bit shift of the low word does; nothing between reads or writes r${x} or writes r${y}`, { fused: 1 });
            b.insns.splice(at, 1);
            at--;
            n++;
            break;
          }
          if (du.reads.includes(x) || du.writes.includes(x) || du.clobbers.includes(x) || du.writes.includes(y) || du.clobbers.includes(y) || sh.kind === 'call-local') break;
        }
      }
  return n;
}

function isShift(insn: Insn, op: 'lsh' | 'rsh'): insn is Extract<Insn, { kind: 'alu' }> {
  return insn.kind === 'alu' && insn.op === op && insn.width === 64 && insn.src.type === 'imm' && insn.src.value === 32;
}

/** The instruction with its read-only register operands replaced by their copy roots, or undefined when none changes. */
function withRoots(insn: Insn, root: (r: number) => number): Insn | undefined {
  const op = (o: Operand): Operand => (o.type === 'reg' ? { type: 'reg', reg: root(o.reg) } : o);
  let out: Insn;
  switch (insn.kind) {
    case 'jmp': out = { ...insn, dst: root(insn.dst), src: op(insn.src) }; break;
    case 'alu': out = insn.op === 'movsx' ? insn : { ...insn, src: op(insn.src) }; break;
    case 'alu3': out = { ...insn, a: root(insn.a), b: op(insn.b) }; break;
    case 'ldx': case 'ldx6': out = { ...insn, src: root(insn.src) }; break;
    case 'st': out = { ...insn, dst: root(insn.dst) }; break;
    case 'stx': case 'stx6': out = { ...insn, dst: root(insn.dst), src: root(insn.src) }; break;
    default: return undefined;
  }
  return JSON.stringify(out) === JSON.stringify(insn) ? undefined : out;
}

export const copyPropPass: Pass = {
  name: 'copy-prop',
  summary: 'read the register a value was copied from instead of the copy (`rX = rY; ... use rX` → `use rY`), so the copy can die',
  soundness: 'Copy roots are a forward must-analysis: after `rX = rY` (64-bit) rX holds the value of rY\'s root (rY itself, or what rY was copied from), until rX or the root is written; at a join a root survives only when every path agrees. Where it holds, rX and its root have the same value, so an operand that only reads rX (a compare, an ALU source, a load or store base, a stored register) reads the same value from the root. Destinations are never renamed.',
  syllables: [],
  run(ir: IrProgram, cx: PassContext): number {
    const roots = copyRoots(ir);
    let n = 0;
    for (const site of [...walk(ir)]) {
      const src = roots.before.get(site.insn);
      if (!src) continue;
      const next = withRoots(site.insn.insn, (r) => (src[r] >= 0 ? src[r] : r));
      if (!next) continue;
      const before = show(site.insn);
      const made = replaceInsn(site.block, site.at, next, { target: site.insn.target, mapRef: site.insn.mapRef });
      const used = [...new Set([...before.matchAll(/r(\d+)/g)].map((m) => Number(m[1])).filter((r) => r < 11 && src[r] >= 0))];
      cx.report(site.insn, `${before} -> ${show(made)}`, `${used.map((r) => `r${r} is a copy of r${src[r]}`).join(', ')} on every path here (neither written since the copy)`, {});
      n++;
    }
    return n;
  },
};
