// Load, store and atomic instructions on typed pointers: the xdp_md context (data, data_end,
// data_meta as packet pointers; ingress_ifindex and rx_queue_index as inputs), pointer spills to
// the stack (kept beside the bytes, by slot), and the guard on every access. Byte-level memory
// is memory.ts's.

import type { Insn } from '../../isa/index.js';
import { alu, bv64 } from './alu.js';
import { concrete, fail, guard, read, readNum, readPtr } from './cx.js';
import type { Cx } from './cx.js';
import { load, place, store } from './memory.js';
import { addBV } from './symmem.js';
import { setReg } from './state.js';
import type { State } from './state.js';
import { describe, num } from './value.js';
import type { PtrVal, Val } from './value.js';
import type { BV } from './z3.js';

type MemInsn = Extract<Insn, { kind: 'ldx' | 'st' | 'stx' | 'ldx6' | 'stx6' | 'atomic' }>;

export async function memoryStep(cx: Cx, s: State, insn: MemInsn, i: number): Promise<State | undefined> {
  switch (insn.kind) {
    case 'ldx':
      return loadStep(cx, s, insn.dst, readPtr(cx, s, insn.src, i), insn.off, insn.size, insn.signed, i);
    case 'ldx6':
      return loadStep(cx, s, insn.dst, readPtr(cx, s, insn.src, i), insn.off, 6, false, i);
    case 'st':
      return storeStep(cx, s, readPtr(cx, s, insn.dst, i), insn.off, insn.size, num(bv64(cx.Z, insn.imm)), i);
    case 'stx':
      return storeStep(cx, s, readPtr(cx, s, insn.dst, i), insn.off, insn.size, read(cx, s, insn.src, i), i);
    case 'stx6':
      return storeStep(cx, s, readPtr(cx, s, insn.dst, i), insn.off, 6, read(cx, s, insn.src, i), i);
    case 'atomic':
      return atomicStep(cx, s, insn, i);
  }
}

/** The xdp_md fields: data and data_meta (no metadata is modelled) and data_end are packet pointers. */
async function ctxLoad(cx: Cx, s: State, base: PtrVal, off: number, size: number, i: number): Promise<Val> {
  const at = concrete(cx.Z, addBV(cx.Z, base.off, bv64(cx.Z, off)));
  if (at === undefined || size !== 4) return fail(cx, i, 'a ctx access must be a 4-byte load at a constant offset');
  const pkt = (p: BV): Val => ({ t: 'ptr', region: { kind: 'packet' }, off: p });
  switch (at) {
    case 0: case 8: return pkt(s.start);
    case 4: return pkt(s.end);
    case 12: return num(cx.env.ingressIfindex.zeroExt(32));
    case 16: return num(cx.env.rxQueueIndex.zeroExt(32));
    default: return fail(cx, i, `a ctx load at offset ${at}, which is no xdp_md field the model knows`);
  }
}

async function loadStep(cx: Cx, s: State, dst: number, base: PtrVal, off: number, n: number, signed: boolean, i: number): Promise<State | undefined> {
  if (base.region.kind === 'ctx') return setReg(s, dst, await ctxLoad(cx, s, base, off, n, i));
  const pl = place(cx.env, s, base, off, n) ?? fail(cx, i, `a load through a ${describe(base)}`);
  const ok = guard(cx, s, pl.ok, i);
  if (!ok) return undefined;
  if (base.region.kind === 'stack' && n === 8) {
    const at = concrete(cx.Z, addBV(cx.Z, base.off, bv64(cx.Z, off)));
    const spilled = at === undefined ? undefined : ok.spills.get(at);
    if (spilled) return setReg(ok, dst, spilled);
  }
  const v = load(cx.Z, ok, pl, n);
  return setReg(ok, dst, num(n === 8 ? v : signed ? v.signExt(64 - 8 * n) : v.zeroExt(64 - 8 * n)));
}

/** After a store of n bytes at a stack offset (undefined: not constant), the spills it leaves intact. */
function keepSpills(s: State, at: number | undefined, n: number): Map<number, Val> {
  const kept = new Map<number, Val>();
  if (at !== undefined) for (const [k, v] of s.spills) if (k + 8 <= at || k >= at + n) kept.set(k, v);
  return kept;
}

async function storeStep(cx: Cx, s: State, base: PtrVal, off: number, n: number, v: Val, i: number): Promise<State | undefined> {
  if (v.t === 'undef' || v.t === 'choice') return fail(cx, i, `a store of an ${describe(v)}`);
  const pl = place(cx.env, s, base, off, n) ?? fail(cx, i, `a store through a ${describe(base)}`);
  const ok = guard(cx, s, pl.ok, i);
  if (!ok) return undefined;
  const stack = base.region.kind === 'stack';
  const at = stack ? concrete(cx.Z, addBV(cx.Z, base.off, bv64(cx.Z, off))) : undefined;
  if (v.t === 'ptr' && (!stack || n !== 8 || at === undefined)) return fail(cx, i, `a ${describe(v)} stored other than as an 8-byte stack spill`);
  const after = store(ok, pl, n, v.t === 'num' ? v.v : v.off);
  if (!stack) return after;
  const spills = keepSpills(s, at, n);
  if (v.t === 'ptr') spills.set(at!, v);
  return { ...after, spills };
}

async function atomicStep(cx: Cx, s: State, insn: Extract<MemInsn, { kind: 'atomic' }>, i: number): Promise<State | undefined> {
  const Z = cx.Z;
  const n = insn.size;
  const base = readPtr(cx, s, insn.dst, i);
  const src = readNum(cx, s, insn.src, i);
  const pl = place(cx.env, s, base, insn.off, n) ?? fail(cx, i, `an atomic operation through a ${describe(base)}`);
  const ok = guard(cx, s, pl.ok, i);
  if (!ok) return undefined;
  const old = load(Z, ok, pl, n);
  const old64 = n === 8 ? old : old.zeroExt(32);
  const cut = (x: BV): BV => (n === 8 ? x : x.extract(31, 0));
  let value: BV;
  switch (insn.op) {
    case 'add': case 'or': case 'and': case 'xor': value = cut(alu(Z, insn.op, 64, old64, src)); break;
    case 'xchg': value = cut(src); break;
    case 'cmpxchg': value = Z.If(cut(readNum(cx, s, 0, i)).eq(old), cut(src), old); break;
  }
  let after = store(ok, pl, n, value);
  if (base.region.kind === 'stack') after = { ...after, spills: keepSpills(s, concrete(Z, addBV(Z, base.off, bv64(Z, insn.off))), n) };
  if (insn.op === 'cmpxchg') return setReg(after, 0, num(old64));
  return insn.fetch || insn.op === 'xchg' ? setReg(after, insn.src, num(old64)) : after;
}
