// Transfer functions of the pointer-and-scalar domain: what one instruction does to an AState, and
// what a conditional jump proves on each of its edges. Sound over-approximations; the fixpoint is
// absint.ts's. Helper effects come from isa/defuse (one source of truth), never a list of our own.

import { assertNever, defuse, FP, helperName } from '../../isa/index.js';
import type { Insn, JmpCond, Operand } from '../../isa/index.js';
import type { IrInsn } from '../ir/index.js';
import { bytesOf, clobberPacket, clobberStack, FRAME, knownBytes } from './state.js';
import type { AState } from './state.js';
import { alu32, alu64, constOf, immVal, num, TOP, U32 } from './values.js';
import type { AVal } from './values.js';

const operandVal = (s: AState, o: Operand, width: 32 | 64): AVal => (o.type === 'reg' ? s.regs[o.reg] : immVal(o.value, width));

/** Applies `ir`'s effect to `s` in place (jumps change nothing here: see refine). */
/** Key and value size of one map of the object. */
export interface MapSizes {
  readonly keySize: number;
  readonly valueSize: number;
}

/** What transfer needs beyond the state: the maps' sizes, and a number for each map lookup call (a map value's identity). */
export interface TransferContext {
  readonly maps: readonly MapSizes[];
  id(i: IrInsn): number;
}

export function transferContext(maps: readonly MapSizes[]): TransferContext {
  const ids = new Map<IrInsn, number>();
  return { maps, id: (i) => ids.get(i) ?? (ids.set(i, ids.size + 1), ids.size) };
}

const NO_CONTEXT = transferContext([]);

export function transfer(s: AState, ir: IrInsn, sizes: TransferContext = NO_CONTEXT): void {
  const insn = ir.insn;
  switch (insn.kind) {
    case 'alu':
      if (insn.width === 64 && insn.src.type === 'imm' && frameOffset(s.regs[insn.dst], insn.op, insn.src.value, s, insn.dst)) return;
      if (insn.op === 'neg' || insn.op === 'movsx' || insn.op === 'sdiv' || insn.op === 'smod') s.regs[insn.dst] = insn.width === 32 ? U32 : TOP;
      else s.regs[insn.dst] = (insn.width === 64 ? alu64 : alu32)(insn.op, s.regs[insn.dst], operandVal(s, insn.src, insn.width));
      return;
    case 'alu3':
      if (insn.width === 64 && insn.b.type === 'imm' && frameOffset(s.regs[insn.a], insn.op, insn.b.value, s, insn.dst)) return;
      if (insn.op === 'sdiv' || insn.op === 'smod') s.regs[insn.dst] = insn.width === 32 ? U32 : TOP;
      else s.regs[insn.dst] = (insn.width === 64 ? alu64 : alu32)(insn.op, s.regs[insn.a], operandVal(s, insn.b, insn.width));
      return;
    case 'end':
      s.regs[insn.dst] = insn.bits === 16 ? num(0, 0xffff) : insn.bits === 32 ? U32 : TOP;
      return;
    case 'jmp': case 'ja': case 'jlen': case 'exit': case 'exit-imm':
      return;
    case 'lddw':
      s.regs[insn.dst] = ir.mapRef?.kind === 'fd' ? { k: 'map', map: ir.mapRef.map } : ir.mapRef || insn.pseudo !== 0 || insn.hi !== 0 ? TOP : num(insn.lo);
      return;
    case 'ldx': s.regs[insn.dst] = loadVal(s, insn.src, insn.off, insn.size, insn.signed); return;
    case 'ldx6': s.regs[insn.dst] = loadVal(s, insn.src, insn.off, 6, false); return;
    case 'st': store(s, insn.dst, insn.off, insn.size, immVal(insn.imm, 64), BigInt(insn.imm)); return;
    case 'stx': {
      const c = constOf(s.regs[insn.src]);
      store(s, insn.dst, insn.off, insn.size, s.regs[insn.src], c === undefined ? undefined : BigInt(c));
      return;
    }
    case 'stx6': store(s, insn.dst, insn.off, 6, TOP); return;
    case 'atomic':
      store(s, insn.dst, insn.off, insn.size, TOP);
      for (const r of defuse(insn).writes) s.regs[r] = TOP;
      return;
    case 'call': case 'call-local': case 'callx': case 'ld-abs': case 'ld-ind':
      call(s, ir, sizes);
      return;
    default:
      assertNever(insn);
  }
}

/** r10 + c ± imm (imm may be negative, which the scalar ranges cannot hold) stays a frame pointer. */
function frameOffset(a: AVal, op: string, imm: number, s: AState, dst: number): boolean {
  if (a.k !== 'fp' || (op !== 'add' && op !== 'sub')) return false;
  s.regs[dst] = { k: 'fp', off: a.off + (op === 'add' ? imm : -imm) };
  return true;
}

function loadVal(s: AState, base: number, off: number, size: number, signed: boolean): AVal {
  const b = s.regs[base];
  const plain = signed || size === 8 ? TOP : num(0, 2 ** (8 * size) - 1);
  if (b.k === 'ctx') return size !== 4 ? TOP : off === 0 ? { k: 'pkt', lo: 0, hi: 0 } : off === 4 ? { k: 'end' } : off === 8 ? TOP : U32;
  if (b.k !== 'fp') return plain;
  const at = b.off + off;
  if (size === 8 && s.stack.has(at)) return s.stack.get(at)!;
  const known = signed ? undefined : knownBytes(s, at, size);
  if (known) return num(known.reduceRight((v, b) => v * 256 + b, 0));
  return plain;
}

/** A store of v (its 64-bit value c when constant: the low `size` bytes land in the frame). */
function store(s: AState, base: number, off: number, size: number, v: AVal, c?: bigint): void {
  const b = s.regs[base];
  if (b.k !== 'fp') {
    // a pointer of unknown origin may point into the frame
    if (b.k === 'top') clobberStack(s);
    return;
  }
  const at = b.off + off;
  clobberStack(s, at, size);
  if (size === 8 && v.k !== 'top') s.stack.set(at, v);
  // clobberStack above put a copy of the bytes in place: writing them changes no other state
  if (c !== undefined) bytesOf(c, size).forEach((byte, i) => {
    if (FRAME + at + i >= 0 && at + i < 0) s.bytes[FRAME + at + i] = byte;
  });
}

/** Helper, local and indirect calls, legacy loads: r0 written, r1-r5 clobbered, memory as defuse says. */
function call(s: AState, ir: IrInsn, cx: TransferContext): void {
  const insn = ir.insn;
  const r1 = s.regs[1];
  const du = defuse(insn);
  const fp = (r: number) => s.regs[r];
  for (const w of du.memWrites) {
    if (w.region === 'any') {
      clobberStack(s);
      clobberPacket(s);
    } else if (w.region === 'packet') clobberPacket(s);
    else if (w.region === 'pointer') {
      const b = fp(w.base);
      const size = typeof w.size === 'number' ? w.size : typeof w.size === 'object' ? constOf(fp(w.size.reg)) : undefined;
      if (b.k === 'fp' && size !== undefined) clobberStack(s, b.off + w.off, size);
      else if (b.k === 'fp' || b.k === 'top') clobberStack(s);
    }
  }
  for (const r of [...du.writes, ...du.clobbers]) s.regs[r] = TOP;
  if (insn.kind === 'call' && insn.target === 'helper' && helperName(insn.id) === 'bpf_map_lookup_elem')
  {
    // a new value of this call: older copies of its previous value are a different pointer now
    const id = cx.id(ir);
    forget(s, (v) => v.k === 'mapval' && v.id === id);
    s.regs[0] = { k: 'mapval', nullable: true, size: r1.k === 'map' ? (cx.maps[r1.map]?.valueSize ?? 0) : 0, id };
  }
  s.regs[FP] = { k: 'fp', off: 0 };
}

/** Unsigned form of a condition on values both in [0, 2^52) (the signed forms agree there). */
const UNSIGNED: Partial<Record<JmpCond, JmpCond>> = { jsgt: 'jgt', jsge: 'jge', jslt: 'jlt', jsle: 'jle' };
const SWAP: Partial<Record<JmpCond, JmpCond>> = { jgt: 'jlt', jge: 'jle', jlt: 'jgt', jle: 'jge', jeq: 'jeq', jne: 'jne' };
const NEGATE: Partial<Record<JmpCond, JmpCond>> = { jgt: 'jle', jge: 'jlt', jlt: 'jge', jle: 'jgt', jeq: 'jne', jne: 'jeq' };

/** What the edge proves: the state along it (a new object), or undefined when the edge cannot be taken. */
export function refine(s: AState, insn: Insn, pc: number, taken: boolean): AState | undefined {
  if (insn.kind === 'jlen') {
    if (!taken && insn.len > s.minLen) return { ...s, minLen: insn.len, lenFrom: pc };
    return taken && s.minLen >= insn.len ? undefined : s;
  }
  if (insn.kind !== 'jmp') return s;
  let cond: JmpCond | undefined = UNSIGNED[insn.cond] ?? insn.cond;
  if (!taken) cond = NEGATE[cond];
  if (cond === undefined) return s;
  const a = s.regs[insn.dst];
  const b = insn.src.type === 'reg' ? s.regs[insn.src.reg] : insn.width === 32 ? num(insn.src.value >>> 0) : num(insn.src.value);
  if (insn.width === 64 && a.k === 'pkt' && b.k === 'end') return packetEdge(s, cond, a, pc);
  if (insn.width === 64 && a.k === 'end' && b.k === 'pkt') return packetEdge(s, SWAP[cond]!, b, pc);
  if (a.k === 'mapval' && constOf(b) === 0 && insn.width === 64) return nullEdge(s, insn.dst, cond);
  const signed = insn.cond !== cond && UNSIGNED[insn.cond] !== undefined;
  if (a.k !== 'num' || b.k !== 'num') return s;
  const limit = insn.width === 32 ? (signed ? 2 ** 31 : 2 ** 32) : 2 ** 52;
  if (a.hi >= limit || b.hi >= limit) return s;
  const r = numEdge(cond, a, b);
  if (!r) return undefined;
  const out = { ...s, regs: [...s.regs] };
  out.regs[insn.dst] = r[0];
  if (insn.src.type === 'reg') out.regs[insn.src.reg] = r[1];
  return out;
}

/** `pkt cond end` holds on this edge (pkt = data + [lo, hi]): what it says of the length. */
function packetEdge(s: AState, cond: JmpCond, p: { lo: number; hi: number }, pc: number): AState | undefined {
  // off ≤ len (jle) or off < len (jlt): len ≥ lo (+1); off > len (jgt) or off ≥ len (jge): impossible once len ≥ hi (+1)
  const need = cond === 'jle' ? p.lo : cond === 'jlt' ? p.lo + 1 : undefined;
  if (need !== undefined) return need > s.minLen ? { ...s, minLen: need, lenFrom: pc } : s;
  if (cond === 'jgt' && s.minLen >= p.hi) return undefined;
  if (cond === 'jge' && s.minLen >= p.hi + 1) return undefined;
  return s;
}

/** A null check of a map value: every copy of it (same lookup, registers and spills) is null or not. */
function nullEdge(s: AState, r: number, cond: JmpCond): AState {
  if (cond !== 'jeq' && cond !== 'jne') return s;
  const out = { ...s, regs: [...s.regs], stack: new Map(s.stack) };
  const v = s.regs[r];
  if (v.k !== 'mapval') return s;
  const same = (w: AVal) => w === v || (v.id > 0 && w.k === 'mapval' && w.id === v.id && w.size === v.size);
  const to: AVal = cond === 'jeq' ? num(0) : { ...v, nullable: false };
  out.regs.forEach((w, k) => {
    if (same(w)) out.regs[k] = to;
  });
  for (const [k, w] of out.stack) if (same(w)) out.stack.set(k, to);
  return out;
}

/** Sets every register and spill matching `p` to TOP. */
function forget(s: AState, p: (v: AVal) => boolean): void {
  s.regs.forEach((v, r) => {
    if (p(v)) s.regs[r] = TOP;
  });
  for (const [k, v] of s.stack) if (p(v)) s.stack.delete(k);
}

type Range = { lo: number; hi: number };

/** Narrowed ranges of a and b when `a cond b` holds, or undefined when it cannot. */
function numEdge(cond: JmpCond, a: Range, b: Range): [AVal, AVal] | undefined {
  let [alo, ahi, blo, bhi] = [a.lo, a.hi, b.lo, b.hi];
  switch (cond) {
    case 'jeq': alo = blo = Math.max(alo, blo); ahi = bhi = Math.min(ahi, bhi); break;
    case 'jne':
      if (alo === ahi && blo === bhi && alo === blo) return undefined;
      if (blo === bhi) {
        if (alo === blo) alo++;
        if (ahi === blo) ahi--;
      }
      break;
    case 'jgt': alo = Math.max(alo, blo + 1); bhi = Math.min(bhi, ahi - 1); break;
    case 'jge': alo = Math.max(alo, blo); bhi = Math.min(bhi, ahi); break;
    case 'jlt': ahi = Math.min(ahi, bhi - 1); blo = Math.max(blo, alo + 1); break;
    case 'jle': ahi = Math.min(ahi, bhi); blo = Math.max(blo, alo); break;
    default: return [num(alo, ahi), num(blo, bhi)];
  }
  if (alo > ahi || blo > bhi) return undefined;
  return [num(alo, ahi), num(blo, bhi)];
}
