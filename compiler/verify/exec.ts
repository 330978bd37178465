// Symbolic execution of one program over an Env: instructions in a topological order of the
// control-flow graph (order.ts; loops unrolled up to a bound), states merged where paths join, one Exit
// per exit instruction and per guarded access that can fail. Helpers are in helpers.ts, memory
// in access.ts; this module does not compare programs (prove.ts does).

import { assertNever, branchTarget, lddwValue, Pseudo } from '../../isa/index.js';
import type { Insn, Operand } from '../../isa/index.js';
import { memoryStep } from './access.js';
import { alu, bv64, cond, end } from './alu.js';
import { fail, read, readNum } from './cx.js';
import type { Cx, Exit, ProgramInput } from './cx.js';
import { VerifyError } from './errors.js';
import { foldByFacts } from './facts.js';
import { topologicalOrder } from './order.js';
import { callHelper } from './helpers.js';
import { initialState, mergeAll, negate, noteFlow, restrict, setReg } from './state.js';
import { addBV, numeral } from './symmem.js';
import { extractBits, leadingZeros } from './pieces.js';
import type { Env, State } from './state.js';
import { describe, num, sameRegion } from './value.js';
import type { ChoiceVal, PtrVal, Val } from './value.js';
import type { B, BV, Z3 } from './z3.js';

/**
 * Runs the program on env. Loops are unrolled: the program is visited `unroll + 1` times, a back
 * edge taken in round r continuing in round r + 1; one past the last round, the run ends in an
 * exit marked `unbounded` (prove.ts proves that no run gets there).
 */
export async function execute(env: Env, prog: ProgramInput, side: string, unroll = 0): Promise<Exit[]> {
  const { insns, pcs } = prog.code;
  const indexOfSlot = new Map<number, number>();
  pcs.forEach((slot, i) => indexOfSlot.set(slot, i));
  const cx: Cx = { env, Z: env.Z, side, prog, exits: [], indexOfSlot, unroll };
  const { order, backEdges } = topologicalOrder(prog.code, indexOfSlot, side);
  if (backEdges.size && unroll === 0) {
    const [from, to] = [...backEdges][0].split('>').map(Number);
    throw new VerifyError(from, `a loop (back to instruction ${to}): unroll it first, or give an unroll bound`, side);
  }
  const n = insns.length;
  const pending = new Map<number, State[]>([[0, [initialState(env)]]]);
  for (let round = 0; round <= unroll && pending.size; round++)
    for (const i of order) {
      const incoming = pending.get(round * n + i);
      if (!incoming) continue;
      pending.delete(round * n + i);
      for (const [t, st] of await step(cx, mergeAll(cx.Z, incoming, cx.env.seen), insns[i], i)) {
        const next = backEdges.has(`${i}>${t}`) ? round + 1 : round;
        if (next > unroll) {
          cx.exits.push({ cond: st.pc, flow: st.flow, action: cx.Z.BitVec.val(0n, 32), state: st, index: i, aborted: true, unbounded: true });
          continue;
        }
        const list = pending.get(next * n + t) ?? [];
        list.push(st);
        pending.set(next * n + t, list);
      }
    }
  return cx.exits;
}

function operand(cx: Cx, s: State, o: Operand, i: number): Val {
  return o.type === 'reg' ? read(cx, s, o.reg, i) : num(bv64(cx.Z, o.value));
}

const isConst = (Z: Z3, v: Val): boolean => v.t === 'num' && Z.isBitVecVal(v.v);

/** Two pointers into one object (map values: of one lookup's key), whose offsets compare. */
const oneObject = (a: PtrVal, b: PtrVal): boolean => sameRegion(a.region, b.region) && a.key === b.key;

/** -x, folded when x is a constant. */
function negBV(Z: Z3, x: BV): BV {
  const v = numeral(Z, x);
  return v === undefined ? x.neg() : Z.BitVec.val(BigInt.asUintN(64, -v), 64);
}

/** An ALU operation on values: numbers, or pointer ± number and pointer - pointer (64-bit). */
async function aluVal(cx: Cx, insn: Extract<Insn, { kind: 'alu' | 'alu3' }>, a: Val | undefined, b: Val, i: number): Promise<Val> {
  const Z = cx.Z;
  const op = insn.op, width = insn.width;
  if (op === 'mov' && (width === 64 || b.t === 'num')) return b.t === 'num' && width === 32 ? num(alu(Z, op, 32, b.v, b.v)) : b;
  if (op === 'movsx' || op === 'mov' || op === 'neg') a = op === 'neg' ? a : b;
  if (!a || a.t === 'undef') return fail(cx, i, `r${insn.dst} is read while it holds an ${a ? describe(a) : 'undefined value'}`);
  if (a.t === 'num' && b.t === 'num') {
    const r = alu(Z, op, width, a.v, b.v, insn.kind === 'alu' ? insn.extBits : undefined, (x) => cx.env.ranges.leadingZeros(x));
    return num(isConst(Z, a) && isConst(Z, b) ? ((await Z.simplify(r)) as BV) : r);
  }
  if (width === 64 && a.t === 'ptr' && b.t === 'num' && (op === 'add' || op === 'sub'))
    return { ...a, off: op === 'add' ? addBV(Z, a.off, b.v) : addBV(Z, a.off, negBV(Z, b.v)) };
  if (width === 64 && a.t === 'num' && b.t === 'ptr' && op === 'add') return { ...b, off: addBV(Z, b.off, a.v) };
  // the regions' base addresses cancel, in the low 32 bits as in all 64 (a 32-bit sub is the core's, after a pass)
  if (a.t === 'ptr' && b.t === 'ptr' && op === 'sub' && oneObject(a, b)) return num(width === 64 ? a.off.sub(b.off) : alu(Z, 'sub', 32, a.off, b.off));
  return fail(cx, i, `${width}-bit ${op} of a ${describe(a)} and a ${describe(b)} is outside the model`);
}

/** A jump condition on values: numbers, a pointer (or a choice of pointers) against 0 (the NULL check), two pointers into one region. */
function condVal(cx: Cx, insn: Extract<Insn, { kind: 'jmp' }>, a: Val, b: Val, i: number): B {
  const Z = cx.Z;
  if (a.t === 'num' && b.t === 'num') return cond(Z, insn.cond, insn.width, a.v, b.v, (x) => cx.env.ranges.leadingZeros(x));
  const zero = (v: Val): boolean => v.t === 'num' && Z.isBitVecVal(v.v) && v.v.value() === 0n;
  // a choice of pointers (the rows' jumps do not split on one, exec's step does) is NULL where its chosen pointer is
  const nullOf = (v: PtrVal | ChoiceVal): B => (v.t === 'ptr' ? v.nul ?? Z.Bool.val(false) : Z.If(v.c, nullOf(v.a), nullOf(v.b)));
  const p = a.t === 'ptr' || a.t === 'choice' ? a : b.t === 'ptr' || b.t === 'choice' ? b : undefined;
  if (p && (zero(a) || zero(b)) && (insn.cond === 'jeq' || insn.cond === 'jne')) {
    const isNull = nullOf(p);
    return insn.cond === 'jeq' ? isNull : negate(Z, isNull);
  }
  if (a.t === 'ptr' && b.t === 'ptr' && oneObject(a, b) && insn.width === 64) return cond(Z, insn.cond, 64, a.off, b.off);
  return fail(cx, i, `${insn.cond} of a ${describe(a)} and a ${describe(b)} is outside the model`);
}

/** The instruction a jump goes to (isa's branchTarget gives its slot). */
function target(cx: Cx, i: number, insn: Insn): number {
  const slot = branchTarget(insn, cx.prog.code.pcs[i])!;
  const t = cx.indexOfSlot.get(slot);
  return t ?? fail(cx, i, `jump to slot ${slot}, which starts no instruction`);
}

export type Next = [number, State][];

/**
 * When a conditional jump (jmp, or the core's jlen: `if len < N`, the packet's current length
 * after any resizing helper) takes; a condition on constants only is decided here (one solver call).
 */
export async function jumpCondition(cx: Cx, s: State, insn: Extract<Insn, { kind: 'jmp' | 'jlen' }>, i: number): Promise<B> {
  const Z = cx.Z;
  // len < N as end < start + N (start <= end, both frame positions far below 2^63: no wrap),
  // the form a program's own `data + N > data_end` check takes
  const known = (c: B): B => foldByFacts(Z, cx.env.ranges, s.facts, cx.env.ranges.fold(c));
  if (insn.kind === 'jlen') return known(s.end.ult(addBV(Z, s.start, bv64(Z, insn.len))));
  const [a, b] = [read(cx, s, insn.dst, i), operand(cx, s, insn.src, i)];
  const c = condVal(cx, insn, a, b, i);
  return isConst(Z, a) && isConst(Z, b) ? ((await Z.simplify(c)) as B) : known(c);
}

function branch(cx: Cx, s: State, c: B, t: number, n: number): Next {
  const Z = cx.Z;
  if (Z.isTrue(c)) return [[t, s]];
  if (Z.isFalse(c)) return [[n, s]];
  const no = negate(Z, c);
  const [yes, not] = [refine(cx, restrict(Z, s, c), c), refine(cx, restrict(Z, s, no), no)];
  noteFlow(cx.env.seen, yes.flow);
  noteFlow(cx.env.seen, not.flow);
  return [[t, yes], [n, not]];
}

/** Z3's kinds of equality and negation (Z3_OP_EQ, Z3_OP_NOT) */
const EQ = 258, NOT = 265;

/**
 * The state where `nul` (a map lookup's NULL condition) is false: every pointer that carries it,
 * in a register or spilled, is not NULL on every run that gets here, and no longer carries it (its
 * accesses then have no NULL guard left). Exact, as refine().
 */
function notNull(s: State, nul: B): State {
  const fix = (v: Val): Val => (v.t === 'ptr' && v.nul && v.nul.eqIdentity(nul) ? { ...v, nul: undefined } : v);
  let regs: Val[] | undefined;
  s.regs.forEach((v, i) => {
    const w = fix(v);
    if (w !== v) (regs ??= s.regs.slice())[i] = w;
  });
  let spills: Map<number, Val> | undefined;
  for (const [k, v] of s.spills) {
    const w = fix(v);
    if (w !== v) (spills ??= new Map(s.spills)).set(k, w);
  }
  return regs || spills ? { ...s, regs: regs ?? s.regs, spills: spills ?? s.spills } : s;
}

/**
 * The state on a side of a branch whose condition `c` holds there: when c is `x == K` (K a
 * constant), every register holding x (or x zero-extended) holds K on every run that gets here,
 * and is given K. Exact (nothing changes on any run of this side); it builds the term the
 * compiler's constant propagation leaves (`r0 = K` after `if r0 != K goto`), so the original and
 * the compiled program compute alike terms after such a branch.
 */
export function refine(cx: Cx, s: State, c: B): State {
  const Z = cx.Z;
  if (!Z.isApp(c)) return s;
  if (c.decl().kind() === NOT) return notNull(s, c.arg(0) as B);
  if (c.decl().kind() !== EQ) return s;
  const [l, r] = [c.arg(0), c.arg(1)];
  if (!Z.isBitVec(l) || !Z.isBitVec(r)) return s;
  const [x, k] = Z.isBitVecVal(r) ? [l as BV, r.value()] : Z.isBitVecVal(l) ? [r as BV, l.value()] : [undefined, undefined];
  if (!x || k === undefined || Z.isBitVecVal(x)) return s;
  const w = x.size();
  let regs: Val[] | undefined;
  s.regs.forEach((v, i) => {
    if (v.t !== 'num') return;
    const same = w === 64 ? v.v.eqIdentity(x) : extractBits(Z, v.v, w - 1, 0).eqIdentity(x) && leadingZeros(Z, v.v, 0, (y) => cx.env.ranges.leadingZeros(y)) >= 64 - w;
    if (!same) return;
    regs ??= s.regs.slice();
    regs[i] = num(Z.BitVec.val(k, 64));
  });
  return regs ? { ...s, regs } : s;
}

function exit(cx: Cx, s: State, action: BV, i: number): Next {
  cx.exits.push({ cond: s.pc, flow: s.flow, action, state: s, index: i, aborted: false });
  return [];
}

/** The registers an instruction reads (for splitting on a choice pointer). */
function readsOf(insn: Insn): number[] {
  const r = (o: Operand): number[] => (o.type === 'reg' ? [o.reg] : []);
  switch (insn.kind) {
    case 'alu': return [insn.dst, ...r(insn.src)];
    case 'alu3': return [insn.a, ...r(insn.b)];
    case 'jmp': return [insn.dst, ...r(insn.src)];
    case 'end': case 'st': return [insn.dst];
    case 'ldx': case 'ldx6': return [insn.src];
    case 'stx': case 'stx6': case 'atomic': return [insn.dst, insn.src, 0];
    case 'call': return [1, 2, 3, 4, 5];
    case 'exit': return [0];
    default: return [];
  }
}

/**
 * Runs one instruction. Where it reads a choice of two pointers, the state splits into one per
 * pointer (each under its condition) and the paths join again at the next instruction.
 */
export async function step(cx: Cx, s: State, insn: Insn, i: number): Promise<Next> {
  const Z = cx.Z;
  const r = readsOf(insn).find((reg) => s.regs[reg].t === 'choice');
  if (r === undefined) return stepOne(cx, s, insn, i);
  const v = s.regs[r] as ChoiceVal;
  const a = setReg(restrict(Z, s, v.c), r, v.a);
  const b = setReg(restrict(Z, s, negate(Z, v.c)), r, v.b);
  return [...(await step(cx, a, insn, i)), ...(await step(cx, b, insn, i))];
}

async function stepOne(cx: Cx, s: State, insn: Insn, i: number): Promise<Next> {
  const Z = cx.Z;
  const n = i + 1;
  switch (insn.kind) {
    case 'alu':
      return [[n, setReg(s, insn.dst, await aluVal(cx, insn, s.regs[insn.dst], operand(cx, s, insn.src, i), i))]];
    case 'alu3':
      return [[n, setReg(s, insn.dst, await aluVal(cx, insn, read(cx, s, insn.a, i), operand(cx, s, insn.b, i), i))]];
    case 'end':
      return [[n, setReg(s, insn.dst, num(end(Z, insn.order, insn.bits, readNum(cx, s, insn.dst, i))))]];
    case 'jmp': case 'jlen':
      return branch(cx, s, await jumpCondition(cx, s, insn, i), target(cx, i, insn), n);
    case 'ja':
      return [[target(cx, i, insn), s]];
    case 'exit':
      return exit(cx, s, extractBits(Z, readNum(cx, s, 0, i), 31, 0), i);
    case 'exit-imm':
      return exit(cx, { ...setReg(s, 0, num(bv64(Z, insn.action))) }, Z.BitVec.val(BigInt(insn.action >>> 0), 32), i);
    case 'call': {
      if (insn.target !== 'helper') return fail(cx, i, `a kernel function call (BTF id ${insn.id}) is outside the model`);
      const after = await callHelper(cx, s, insn.id, i);
      return after ? [[n, after]] : [];
    }
    case 'lddw':
      return [[n, setReg(s, insn.dst, lddw(cx, insn, i))]];
    case 'ldx': case 'st': case 'stx': case 'ldx6': case 'stx6': case 'atomic': {
      const after = await memoryStep(cx, s, insn, i);
      return after ? [[n, after]] : [];
    }
    case 'call-local': case 'callx': case 'ld-abs': case 'ld-ind':
      return fail(cx, i, `${insn.kind} is outside the model (inline BPF-to-BPF calls first; legacy packet loads are not XDP)`);
    default:
      return assertNever(insn);
  }
}

function lddw(cx: Cx, insn: Extract<Insn, { kind: 'lddw' }>, i: number): Val {
  const Z = cx.Z;
  const ref = cx.prog.mapRefs?.get(i);
  const isMap = ref || insn.pseudo === Pseudo.MAP_IDX || insn.pseudo === Pseudo.MAP_IDX_VALUE;
  if (!isMap) {
    if (insn.pseudo !== Pseudo.IMM64) fail(cx, i, `lddw with pseudo source ${insn.pseudo} is outside the model`);
    return num(bv64(Z, lddwValue(insn)));
  }
  const map = ref ? ref.map : insn.lo;
  const value = ref ? ref.kind === 'value' : insn.pseudo === Pseudo.MAP_IDX_VALUE;
  if (map >= cx.env.maps.length) fail(cx, i, `lddw of map #${map}, which the object does not define`);
  if (!value) return { t: 'ptr', region: { kind: 'map', map }, off: bv64(Z, 0) };
  const keyBits = cx.env.maps[map].keySize * 8;
  cx.env.touched.push({ map, key: Z.BitVec.val(0n, keyBits) });
  return { t: 'ptr', region: { kind: 'value', map }, off: bv64(Z, ref ? ref.offset : insn.hi), key: Z.BitVec.val(0n, keyBits) };
}
