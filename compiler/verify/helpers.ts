// Helper calls: map lookup (NULL or a pointer into that map's value memory), update and delete
// (flags and errors as the kernel's, maps never full), redirect and redirect_map, adjust_head and
// adjust_tail (the kernel's limits), csum_diff as an uninterpreted function of the bytes it reads,
// the scalar helpers (ktime, prandom, ...) as uninterpreted functions of the call number and
// their arguments, and tail_call: a side exit whose outcome is the call (prog array, index, the
// tail-call count) taken when an uninterpreted condition of those holds, else r0 not set. r1-r5
// are clobbered after every call. Helpers not listed are outside the model.

import { HELPER_TAIL_CALL, helperName } from '../../isa/index.js';
import { bv64 } from './alu.js';
import { concrete, fail, guard, readNum, readPtr } from './cx.js';
import type { Cx } from './cx.js';
import { load, place, writeBytes } from './memory.js';
import { extractBits } from './pieces.js';
import { ETH_HLEN, FRAME_SIZE, isArrayMap, negate, noteFlow, restrict, SHARED_INFO_SIZE, XDP_FRAME_SIZE } from './state.js';
import type { State } from './state.js';
import { num } from './value.js';
import type { PtrVal, Val } from './value.js';
import { addBV, iteMem, select, storeMem } from './symmem.js';
import type { SymMem } from './symmem.js';
import type { B, BV, Fn, Z3 } from './z3.js';

const EINVAL = -22, EEXIST = -17, ENOENT = -2, E2BIG = -7, EFAULT = -14;
const XDP_ABORTED = 0, XDP_REDIRECT = 4;
/** helpers that read no memory and have no effect: their result is f(call number, r1..r5) */
const SCALAR_HELPERS = new Set([5, 7, 125, 160]);
const SMP_PROCESSOR_ID = 8;

type Model = (cx: Cx, s: State, i: number) => Promise<State | undefined>;

export async function callHelper(cx: Cx, s: State, id: number, i: number): Promise<State | undefined> {
  const model = MODELS[id] ?? (SCALAR_HELPERS.has(id) ? scalarHelper(id) : undefined);
  if (!model) return fail(cx, i, `helper ${helperName(id)} (${id}) is outside the model`);
  const after = await model(cx, s, i);
  return after && afterCall(cx, after, i);
}

/** The state after a helper call returns: r1-r5 clobbered, one more call made. */
export function afterCall(cx: Cx, after: State, i: number): State {
  const regs = after.regs.slice();
  for (let r = 1; r <= 5; r++) regs[r] = { t: 'undef', why: `r${r} clobbered by the helper call at instruction ${i}` };
  return { ...after, regs, calls: after.calls.add(cx.Z.BitVec.val(1n, 32)) };
}

const MODELS: Record<number, Model> = {
  1: mapLookup,
  2: mapUpdate,
  3: mapDelete,
  [SMP_PROCESSOR_ID]: async (cx, s) => r0(s, bv64(cx.Z, 0)),
  [HELPER_TAIL_CALL]: async (cx, s, i) => {
    const t = tailCallStep(cx, s, i);
    cx.exits.push({ cond: t.taken.pc, flow: t.taken.flow, action: cx.Z.BitVec.val(0n, 32), state: t.taken, index: i, aborted: false, tail: t.target });
    return t.failed;
  },
  23: redirect,
  25: perfEventOutput,
  28: csumDiff,
  44: (cx, s, i) => adjust(cx, s, i, 'head'),
  51: redirectMap,
  65: (cx, s, i) => adjust(cx, s, i, 'tail'),
};

/** What bpf_tail_call(ctx, prog_array, index) does from state s. */
export interface TailCallStep {
  /** the state where it switches programs (the run leaves with the outcome `target`) */
  readonly taken: State;
  /** concat(map index:32, index:32, tail-call count before the call:32): what the program switched to sees */
  readonly target: BV;
  /** the state where it fails and the program goes on (r0 not set; r1-r5 not yet clobbered: afterCall) */
  readonly failed: State;
}

/**
 * bpf_tail_call. Whether it switches depends on the prog array's slot (runtime data), the index
 * against max_entries and the count of tail calls made (the kernel's MAX_TAIL_CALL_CNT, a core's
 * tailCallDepth): an uninterpreted condition of (count, map, index), the same function in both
 * programs. Where it switches, the program switched to starts on the packet, the maps, the redirect
 * target, the perf events and the count (its registers but r1 = ctx are not set, its stack is its
 * own: the kernel's verifier reads neither): the outcome compared (prove.ts). Where it fails, the
 * count is an uninterpreted function of the same three (the kernel counts some failed calls), r0 is
 * not set (the verifier's NOT_INIT after a helper returning void: reading it is refused).
 */
export function tailCallStep(cx: Cx, s: State, i: number): TailCallStep {
  const Z = cx.Z;
  if (readPtr(cx, s, 1, i).region.kind !== 'ctx') fail(cx, i, 'bpf_tail_call needs the ctx in r1');
  const map = mapArg(cx, s, 2, i);
  const def = cx.env.maps[map];
  if (def.type !== 'prog_array') fail(cx, i, `bpf_tail_call through map ${def.name}, a ${def.type} (not a prog_array)`);
  const index = extractBits(Z, readNum(cx, s, 3, i), 31, 0);
  const m = Z.BitVec.val(BigInt(map), 32);
  const switches = fn(cx, 'tail_call_switches', [32, 32, 32], 1).call(s.tailCalls, m, index) as BV;
  const ok = switches.eq(Z.BitVec.val(1n, 1));
  const count = fn(cx, 'tail_calls_after_failed_call', [32, 32, 32], 32).call(s.tailCalls, m, index) as BV;
  const regs = s.regs.slice();
  regs[0] = { t: 'undef', why: `r0 is not set after the tail call at instruction ${i} fails` };
  const taken = restrict(Z, s, ok);
  const failed = restrict(Z, { ...s, regs, tailCalls: count }, negate(Z, ok));
  noteFlow(cx.env.seen, taken.flow);
  noteFlow(cx.env.seen, failed.flow);
  return { taken, target: Z.Concat(m, index, s.tailCalls), failed };
}

/** The state with r0 set: a number (a bit-vector) or a value. */
function r0(s: State, v: BV | Val): State {
  const regs = s.regs.slice();
  regs[0] = isVal(v) ? v : num(v);
  return { ...s, regs };
}

const isVal = (v: BV | Val): v is Val => 't' in v && (v.t === 'num' || v.t === 'ptr' || v.t === 'undef');

function fn(cx: Cx, name: string, domain: number[], range: number): Fn {
  const Z = cx.Z;
  let f = cx.env.fns.get(name);
  if (!f) cx.env.fns.set(name, (f = Z.Function.declare(name, ...domain.map((b) => Z.BitVec.sort(b)), Z.BitVec.sort(range)) as unknown as Fn));
  return f;
}

function scalarHelper(id: number): Model {
  return async (cx, s, i) => {
    const args = [1, 2, 3, 4, 5].map((r) => (s.regs[r].t === 'num' ? (s.regs[r] as { v: BV }).v : bv64(cx.Z, 0)));
    if ([1, 2, 3, 4, 5].some((r) => s.regs[r].t === 'ptr')) fail(cx, i, `helper ${helperName(id)} is given a pointer: outside the model`);
    return r0(s, fn(cx, `helper_${id}`, [32, 64, 64, 64, 64, 64], 64).call(s.calls, ...args) as BV);
  };
}

/** The map a helper argument names (an lddw of a map). */
function mapArg(cx: Cx, s: State, r: number, i: number): number {
  const p = readPtr(cx, s, r, i);
  if (p.region.kind !== 'map') fail(cx, i, `r${r} should hold a map but holds a pointer to ${p.region.kind}`);
  return p.region.map;
}

/** Reads n bytes a helper argument points to (guarded): [bytes, state] or undefined when no path survives. */
async function bytesArg(cx: Cx, s: State, p: PtrVal, n: number, i: number): Promise<[BV, State] | undefined> {
  const pl = place(cx.env, s, p, 0, n) ?? fail(cx, i, `a helper reads ${n} bytes through a pointer to ${p.region.kind}`);
  const ok = guard(cx, s, pl.ok, i);
  return ok && [load(cx.Z, ok, pl, n), ok];
}

/** Whether a key is in the map in state s (arrays: every index below max_entries). */
function present(Z: Z3, cx: Cx, s: State, map: number, key: BV): B {
  const def = cx.env.maps[map];
  if (isArrayMap(def)) return key.ult(Z.BitVec.val(BigInt(def.maxEntries), key.size()));
  return select(Z, s.present[map], key).eq(Z.BitVec.val(1n, 1));
}

async function keyArg(cx: Cx, s: State, map: number, i: number): Promise<[BV, State] | undefined> {
  const got = await bytesArg(cx, s, readPtr(cx, s, 2, i), cx.env.maps[map].keySize, i);
  if (got) cx.env.touched.push({ map, key: got[0] });
  return got;
}

async function mapLookup(cx: Cx, s: State, i: number): Promise<State | undefined> {
  const map = mapArg(cx, s, 1, i);
  const got = await keyArg(cx, s, map, i);
  if (!got) return undefined;
  const [key, st] = got;
  return r0(st, { t: 'ptr', region: { kind: 'value', map }, off: bv64(cx.Z, 0), key, nul: cx.Z.Not(present(cx.Z, cx, st, map, key)) });
}

const setMem = (s: State, map: number, values: SymMem, keys: SymMem): State => ({
  ...s, values: s.values.map((v, j) => (j === map ? values : v)), present: s.present.map((v, j) => (j === map ? keys : v)),
});

async function mapUpdate(cx: Cx, s: State, i: number): Promise<State | undefined> {
  const Z = cx.Z;
  const map = mapArg(cx, s, 1, i);
  const def = cx.env.maps[map];
  const got = await keyArg(cx, s, map, i);
  const val = got && (await bytesArg(cx, got[1], readPtr(cx, got[1], 3, i), def.valueSize, i));
  if (!got || !val) return undefined;
  const [key, st] = [got[0], val[1]];
  const flags = readNum(cx, st, 4, i);
  const exists = present(Z, cx, st, map, key);
  const is = (f: number): B => flags.eq(bv64(Z, f));
  const err = isArrayMap(def)
    ? Z.If(flags.ugt(bv64(Z, 2)), bv64(Z, EINVAL), Z.If(Z.Not(exists), bv64(Z, E2BIG), Z.If(is(1), bv64(Z, EEXIST), bv64(Z, 0))))
    : Z.If(flags.ugt(bv64(Z, 2)), bv64(Z, EINVAL), Z.If(Z.And(is(1), exists), bv64(Z, EEXIST), Z.If(Z.And(is(2), Z.Not(exists)), bv64(Z, ENOENT), bv64(Z, 0))));
  const ok = err.eq(bv64(Z, 0));
  const written = writeBytes(st.values[map], (j) => Z.Concat(key, Z.BitVec.val(BigInt(j), 16)), def.valueSize, val[0]);
  const keys = isArrayMap(def) ? st.present[map] : storeMem(st.present[map], key, Z.BitVec.val(1n, 1));
  return r0(setMem(st, map, iteMem(ok, written, st.values[map]), iteMem(ok, keys, st.present[map])), err);
}

async function mapDelete(cx: Cx, s: State, i: number): Promise<State | undefined> {
  const Z = cx.Z;
  const map = mapArg(cx, s, 1, i);
  const got = await keyArg(cx, s, map, i);
  if (!got) return undefined;
  const [key, st] = got;
  if (isArrayMap(cx.env.maps[map])) return r0(st, bv64(Z, EINVAL));
  const res = Z.If(present(Z, cx, st, map, key), bv64(Z, 0), bv64(Z, ENOENT));
  return r0(setMem(st, map, st.values[map], storeMem(st.present[map], key, Z.BitVec.val(0n, 1))), res);
}

async function redirect(cx: Cx, s: State, i: number): Promise<State | undefined> {
  const Z = cx.Z;
  const bad = readNum(cx, s, 2, i).neq(bv64(Z, 0));
  const target = bv64(Z, 1n << 63n).or(readNum(cx, s, 1, i).extract(31, 0).zeroExt(32));
  return r0({ ...s, redirect: Z.If(bad, bv64(Z, 0), target) }, Z.If(bad, bv64(Z, XDP_ABORTED), bv64(Z, XDP_REDIRECT)));
}

async function redirectMap(cx: Cx, s: State, i: number): Promise<State | undefined> {
  const Z = cx.Z;
  const map = mapArg(cx, s, 1, i);
  const def = cx.env.maps[map];
  if (def.keySize !== 4) fail(cx, i, `redirect_map on map ${def.name} with a ${def.keySize}-byte key`);
  const key = readNum(cx, s, 2, i).extract(31, 0);
  cx.env.touched.push({ map, key });
  const flags = readNum(cx, s, 3, i);
  const devmap = def.type === 'devmap' || def.type === 'devmap_hash';
  const allowed = 3n | (devmap ? 0x18n : 0n);
  const bad = flags.and(bv64(Z, ~allowed)).neq(bv64(Z, 0));
  const found = Z.Or(present(Z, cx, s, map, key), devmap ? flags.and(bv64(Z, 8)).neq(bv64(Z, 0)) : Z.Bool.val(false));
  const target = bv64(Z, BigInt(map + 1) << 32n).or(key.zeroExt(32));
  const res = Z.If(bad, bv64(Z, XDP_ABORTED), Z.If(found, bv64(Z, XDP_REDIRECT), flags.and(bv64(Z, 3))));
  return r0({ ...s, redirect: Z.If(bad, s.redirect, Z.If(found, target, bv64(Z, 0))) }, res);
}

/**
 * perf_event_output(ctx, map, flags, data, size) on a perf event array, as the kernel's test run
 * sees it (no perf event open): -EINVAL for flag bits outside the index (0-31) and the sample
 * length (32-51), -EFAULT for a sample longer than the packet, -E2BIG for an index past the
 * array (BPF_F_CURRENT_CPU: CPU 0), else -ENOENT. Each call is an event in the log, an observable
 * result the proof compares: its index, result, packet length, the data bytes and, unless
 * EINVAL or EFAULT, the packet's first bytes (the sample).
 */
async function perfEventOutput(cx: Cx, s: State, i: number): Promise<State | undefined> {
  const Z = cx.Z;
  if (readPtr(cx, s, 1, i).region.kind !== 'ctx') fail(cx, i, 'perf_event_output needs the ctx in r1');
  const map = mapArg(cx, s, 2, i);
  const def = cx.env.maps[map];
  if (def.type !== 'perf_event_array') fail(cx, i, `perf_event_output on map ${def.name}, a ${def.type}`);
  if (def.maxEntries === 0) fail(cx, i, `perf_event_output on map ${def.name} sized by the host's CPUs (max_entries 0)`);
  const r5 = readNum(cx, s, 5, i);
  const size = Z.isBitVecVal(r5) ? Number(r5.value() & 0xffffffffn) : undefined;
  if (size === undefined || size < 0 || size > 512) return fail(cx, i, 'perf_event_output with a size that is not a constant (0-512)');
  const got = size ? await bytesArg(cx, s, readPtr(cx, s, 4, i), size, i) : [Z.BitVec.val(0n, 8), s] as [BV, State];
  if (!got) return undefined;
  const [data, st] = got;
  const flags = readNum(cx, st, 3, i);
  const hi = flags.extract(63, 32), lo = flags.extract(31, 0);
  const sampleLen = hi.and(Z.BitVec.val(0xfffffn, 32)).zeroExt(32);
  const len = st.end.sub(st.start);
  const index = Z.If(lo.eq(Z.BitVec.val(0xffffffffn, 32)), Z.BitVec.val(0n, 32), lo);
  const einval = Z.Not(hi.and(Z.BitVec.val(0xfff00000n, 32)).eq(Z.BitVec.val(0n, 32)));
  const efault = len.ult(sampleLen);
  const res = Z.If(einval, bv64(Z, EINVAL), Z.If(efault, bv64(Z, EFAULT), Z.If(index.uge(Z.BitVec.val(BigInt(def.maxEntries), 32)), bv64(Z, E2BIG), bv64(Z, ENOENT))));
  const sampled = Z.If(Z.Or(einval, efault), bv64(Z, 0), sampleLen);
  const at = (o: number): BV => Z.Concat(st.events, Z.BitVec.val(BigInt(o), 32));
  let log = st.log;
  const field = (o: number, n: number, v: BV): void => void (log = writeBytes(log, (j) => at(o + j), n, v));
  field(0, 4, index);
  field(4, 8, res);
  field(12, 8, len);
  field(20, 4, Z.BitVec.val(BigInt(size), 32));
  field(24, 8, sampled);
  field(32, 1, Z.BitVec.val(BigInt(map), 8));
  if (size) field(40, size, data);
  log = { k: 'sample', prev: log, event: st.events, len: sampled, pkt: st.pkt, start: st.start };
  return r0({ ...st, events: st.events.add(Z.BitVec.val(1n, 32)), log }, res);
}

/** csum_diff(from, from_size, to, to_size, seed): a pure function of the bytes it reads and the seed. */
async function csumDiff(cx: Cx, s: State, i: number): Promise<State | undefined> {
  const Z = cx.Z;
  const sizes = [concrete(Z, readNum(cx, s, 2, i)), concrete(Z, readNum(cx, s, 4, i))];
  if (sizes.some((n) => n === undefined || n < 0 || n > 512)) return fail(cx, i, 'csum_diff with sizes that are not constants (0-512)');
  let st: State | undefined = s;
  const parts: BV[] = [];
  for (const [k, r] of [[0, 1], [1, 3]]) {
    if (sizes[k] === 0 || !st) {
      parts.push(Z.BitVec.val(0n, 8));
      continue;
    }
    const got: [BV, State] | undefined = await bytesArg(cx, st, readPtr(cx, st, r, i), sizes[k]!, i);
    st = got?.[1];
    if (got) parts.push(got[0]);
  }
  if (!st) return undefined;
  const f = fn(cx, `csum_diff_${sizes[0]}_${sizes[1]}`, [parts[0].size(), parts[1].size(), 64], 64);
  return r0(st, f.call(parts[0], parts[1], readNum(cx, st, 5, i)) as BV);
}

/** adjust_head / adjust_tail: the kernel's limits (xdp_frame below, skb_shared_info above, 14 bytes left). */
async function adjust(cx: Cx, s: State, i: number, which: 'head' | 'tail'): Promise<State | undefined> {
  const Z = cx.Z;
  if (readPtr(cx, s, 1, i).region.kind !== 'ctx') fail(cx, i, `adjust_${which} needs the ctx in r1`);
  const r2 = readNum(cx, s, 2, i);
  // a constant delta (the usual case) is folded, and so are the limits the ranges decide: then
  // data (or data_end) moves by a constant and the result is a constant
  const delta = Z.isBitVecVal(r2) ? bv64(Z, BigInt.asIntN(32, r2.value() & 0xffffffffn)) : r2.extract(31, 0).signExt(32);
  const at = addBV(Z, which === 'head' ? s.start : s.end, delta);
  const ok = cx.env.ranges.fold(which === 'head'
    ? Z.And(at.sge(bv64(Z, XDP_FRAME_SIZE)), at.sle(s.end.sub(bv64(Z, ETH_HLEN))))
    : Z.And(at.sle(bv64(Z, FRAME_SIZE - SHARED_INFO_SIZE)), at.sge(s.start.add(bv64(Z, ETH_HLEN)))));
  const pick = (a: BV, b: BV): BV => (Z.isTrue(ok) ? a : Z.isFalse(ok) ? b : Z.If(ok, a, b));
  const moved = which === 'head' ? { ...s, start: pick(at, s.start) } : { ...s, end: pick(at, s.end) };
  return r0(moved, pick(bv64(Z, 0), bv64(Z, EINVAL)));
}
