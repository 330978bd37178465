// The prover and bpf_tail_call (compiler/verify/helpers.ts): a tail call that switches is a way out
// whose outcome is the call (prog array, index, tail calls made) and the state the program switched
// to starts on; one that fails goes on with r0 not set. The model against the interpreter on
// concrete packets (slot filled, empty, past max_entries); every program of tests/rtl/tail_chain
// proved after the passes and scheduled (alone and linked); wrong schedules (a packet store moved
// after the call, another index) give counterexamples whose difference is real on the row executor,
// and a schedule that reads r0 after a failed call is refused, as the kernel's verifier would.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LoadedObject, MapDef, Program } from '../../compiler/loader/types.js';
import { lift, lower } from '../../compiler/ir/index.js';
import { runPasses } from '../../compiler/passes/index.js';
import { compileObject } from '../../compiler/pipeline.js';
import { scheduleLinked, scheduleObject, scheduleProgram, tailTargetRefused } from '../../compiler/schedule/index.js';
import type { Strategy } from '../../compiler/schedule/index.js';
import { concreteEnv } from '../../compiler/verify/env.js';
import { execute, proveEquivalent, VerifyError, z3 } from '../../compiler/verify/index.js';
import type { Counterexample } from '../../compiler/verify/index.js';
import { outcome } from '../../compiler/verify/outcome.js';
import { select } from '../../compiler/verify/symmem.js';
import type { BV } from '../../compiler/verify/z3.js';
import { exitImm, imm, isTailCall, layoutProgram, reg, XDP2HW } from '../../isa/index.js';
import type { Insn, LinkedProgram, Row, RowProgram, Syllable } from '../../isa/index.js';
import { createEngine } from '../../simulator/engines.js';
import { InterpreterEngine } from '../../simulator/interpreter/engine.js';
import { parseFixture } from '../../simulator/maps/fixture.js';
import { tailCase } from '../rtl/tail-case.js';

// ---- the model on concrete packets -------------------------------------------------------------

const JUMPS: MapDef = { name: 'jumps', type: 'prog_array', typeId: 3, keySize: 4, valueSize: 4, maxEntries: 4, flags: 0 };
const movr = (dst: number, src: number): Insn => ({ kind: 'alu', op: 'mov', width: 64, dst, src: reg(src) });
const ldx = (size: 1 | 4, dst: number, src: number, off: number): Insn => ({ kind: 'ldx', size, signed: false, dst, src, off });
const program = (name: string, insns: Insn[]): Program => ({ name, section: 'xdp', code: layoutProgram(insns), functions: [{ name, start: 0 }], mapRefs: new Map() });

/** r9 = ctx; 16 bytes or DROP; packet[1] = 0xa5; tail call through jumps with index packet[0]; PASS when it fails. */
const caller = program('caller', [
  movr(9, 1), ldx(4, 6, 1, 0), ldx(4, 7, 1, 4), movr(8, 6), { kind: 'alu', op: 'add', width: 64, dst: 8, src: imm(16) },
  { kind: 'jmp', cond: 'jgt', width: 64, dst: 8, src: reg(7), off: 7 },
  { kind: 'st', size: 1, dst: 6, off: 1, imm: 0xa5 }, ldx(1, 3, 6, 0), movr(1, 9),
  { kind: 'lddw', dst: 2, pseudo: 5, lo: 0, hi: 0 }, { kind: 'call', target: 'helper', id: 12 }, exitImm(2), exitImm(1),
]);
/** what a tail call reaches: XDP_TX on the packet as the caller left it */
const callee = program('callee', [exitImm(3)]);
const pair: LoadedObject = { file: 'tail-pair', format: 'raw', programs: [caller, callee], maps: [JUMPS] };

/** The interpreter on the pair: action and packet, slots `filled` holding the callee. */
async function interpretPair(packet: Uint8Array, filled: readonly number[]): Promise<{ code: number; packet: string }> {
  const fixture = parseFixture({ maps: { jumps: { entries: filled.map((k) => ({ key: Buffer.from(Uint32Array.of(k).buffer).toString('hex'), program: 'callee' })) } } });
  const s = await new InterpreterEngine().open(pair, 'caller', fixture);
  const r = await s.run({ packet });
  return { code: r.code >>> 0, packet: Buffer.from(r.packet).toString('hex') };
}

/**
 * The encoding on one packet, the uninterpreted "switches" fixed as the interpreter decides it: the
 * action (the callee's, XDP_TX, when it switched), the packet as the callee sees it, and the call.
 */
async function evaluatePair(packet: Uint8Array, switches: boolean): Promise<{ code: number; packet: string; tail: bigint; target: bigint }> {
  const Z = await z3();
  const env = concreteEnv(Z, packet, [JUMPS]);
  const o = outcome(Z, await execute(env, caller, 'test'));
  const solver = new Z.Solver();
  const f = env.fns.get('tail_call_switches');
  if (f) solver.add(f.call(Z.BitVec.val(0n, 32), Z.BitVec.val(0n, 32), Z.BitVec.val(BigInt(packet[0]), 32)).eq(Z.BitVec.val(switches ? 1n : 0n, 1)));
  expect(await solver.check()).toBe('sat');
  const m = solver.model();
  const value = (e: BV): bigint => {
    const v = m.eval(e, true);
    if (!Z.isBitVecVal(v)) throw new Error('not a constant');
    return v.value();
  };
  const tail = value(o.tail);
  const start = Number(value(o.start)), end = Number(value(o.end));
  const bytes = [...Array(end - start).keys()].map((j) => Number(value(select(Z, o.pkt, Z.BitVec.val(BigInt(start + j), 64)))));
  return { code: tail === 1n ? 3 : Number(value(o.action)), packet: Buffer.from(bytes).toString('hex'), tail, target: value(o.tailTarget) };
}

describe('bpf_tail_call: the model against the interpreter', () => {
  it('switches where the slot holds a program (the target: map 0, index, no call before), else goes on', async () => {
    await fc.assert(fc.asyncProperty(
      fc.uint8Array({ minLength: 16, maxLength: 40 }), fc.integer({ min: 0, max: 6 }), fc.subarray([0, 1, 2, 3]),
      async (bytes, index, filled) => {
        const packet = Uint8Array.from(bytes);
        packet[0] = index;
        const want = await interpretPair(packet, filled);
        const switches = filled.includes(index); // an index past max_entries (4) never switches
        const got = await evaluatePair(packet, switches);
        expect(got.code).toBe(want.code);
        expect(got.packet).toBe(want.packet);
        expect(got.tail).toBe(switches ? 1n : 0n);
        expect(got.target).toBe(switches ? BigInt(index) << 32n : 0n);
      },
    ), { numRuns: 20 });
  }, 60_000);

  it('a packet too short for the caller leaves by its exit, no call', async () => {
    const packet = new Uint8Array(10);
    const got = await evaluatePair(packet, true);
    expect(got).toMatchObject({ code: 1, tail: 0n, target: 0n });
  });
});

// ---- tail_chain: proofs and wrong schedules ----------------------------------------------------

const c = tailCase();
const obj = c.obj;
const rowsOf = (name: string, strategy: Strategy) => {
  const x = compileObject(obj, { program: name, core: XDP2HW });
  const result = scheduleProgram(x.ir, x.insns.original, { core: XDP2HW, lanes: 4, strategy, timeLimitMs: 200 });
  return { x, result, rows: result.program };
};
/** One linked program's rows: the linked rows entered at its first row (a tail call is a way out). */
const part = (rows: RowProgram, q: LinkedProgram): RowProgram => ({ ...rows, name: q.name, entry: q.entry });
const linked = (): RowProgram => scheduleObject(obj, c.program, { core: XDP2HW, lanes: 4, strategy: 'list', timeLimitMs: 200 }).program;
/** The linked rows after the passes (each program compiled on its own), as `compile` schedules them. */
const linkedPasses = (): RowProgram => scheduleLinked(obj, c.program, (name) => rowsOf(name, 'list').result, tailTargetRefused).program;
const program$ = (name: string): Program => obj.programs.find((p) => p.name === name)!;

/** The rows with row `r` of program `q` changed. */
function mutate(rows: RowProgram, q: LinkedProgram, r: number, f: (row: Row) => Row): RowProgram {
  return { ...rows, rows: rows.rows.map((row, k) => (k === q.entry + r ? f(row) : row)) };
}

/** Row index (within q) of the first row holding a syllable that `pick` chooses. */
function rowWith(rows: RowProgram, q: LinkedProgram, pick: (s: Syllable) => boolean): number {
  for (let r = 0; r < q.rows; r++) if (rows.rows[q.entry + r].some((s) => s && pick(s))) return r;
  throw new Error(`${q.name}: no such syllable`);
}

/** The dispatcher's packets on the interpreter (original object) and on the row executor (these rows). */
async function runBoth(rows: RowProgram, slot: number): Promise<[string[], string[]]> {
  const interp = await new InterpreterEngine().open(obj, c.program, c.fixture);
  const exec = await createEngine('rows', { schedule: () => rows }).open(obj, c.program, c.fixture);
  const a: string[] = [], b: string[] = [];
  for (const input of c.inputs.filter((x) => x.packet[14] === slot && x.packet.length >= 60)) {
    const [x, y] = [await interp.run(input), await exec.run(input)];
    a.push(`${x.code} ${Buffer.from(x.packet).toString('hex')} ${JSON.stringify(x.maps)}`);
    b.push(`${y.code} ${Buffer.from(y.packet).toString('hex')} ${JSON.stringify(y.maps)}`);
  }
  expect(a.length).toBeGreaterThan(0);
  return [a, b];
}

describe('tail_chain: every program proved through its tail calls', () => {
  for (const name of ['tail_chain', 'tc_tx', 'tc_relay', 'tc_end', 'tc_loop', 'tc_pop'])
    it(`${name}: the passes, then 4 lanes of list and of motion`, async () => {
      for (const strategy of ['list', 'motion'] as const) {
        const { x, rows } = rowsOf(name, strategy);
        const passes = await proveEquivalent(x.original, x.optimized.program, { maps: obj.maps, minLength: x.options.minFrame, tailCallTarget: true });
        expect(passes.status, JSON.stringify(passes.regions)).toBe('proved');
        const proof = await proveEquivalent(x.original, rows, { maps: obj.maps, minLength: x.options.minFrame, via: x.optimized.program, tailCallTarget: true });
        expect(proof.status, JSON.stringify(proof.regions)).toBe('proved');
        // a program with a tail call has its own obligation for it, on each half
        const calls = x.original.code.insns.some(isTailCall);
        expect(proof.regions.filter((r) => r.name.endsWith('tail call')).length).toBe(calls ? 2 : 0);
      }
    }, 60_000);

  it('the linked rows: each program from its entry row (4 lanes, list; as scheduled, and after the passes)', async () => {
    for (const rows of [linked(), linkedPasses()]) {
      expect(rows.programs).toHaveLength(6);
      for (const q of rows.programs!) {
        const proof = await proveEquivalent(program$(q.name), part(rows, q), { maps: obj.maps, tailCallTarget: true });
        expect(proof.status, `${q.name}: ${JSON.stringify(proof.regions)}`).toBe('proved');
      }
    }
  }, 60_000);
});

/**
 * A counterexample where the programs' tail calls differ: `action` when in the model one switches
 * and the other does not (whether a slot holds a program is runtime data), `tail call` when both
 * switch elsewhere; either way the original calls index `was`, the compiled program `now`.
 */
function expectOtherCall(cex: Counterexample, was: number, now: number): void {
  expect(['action', 'tail call']).toContain(cex.region);
  expect(cex.original).not.toEqual(cex.compiled);
  const calls = [cex.original.tailCall, cex.compiled.tailCall];
  expect(calls.some((t) => t !== undefined)).toBe(true);
  if (calls[0]) expect(calls[0]).toEqual({ map: 'jumps', index: was, tailCalls: cex.tailCallsAtStart });
  if (calls[1]) expect(calls[1]).toEqual({ map: 'jumps', index: now, tailCalls: cex.tailCallsAtStart });
}

describe('tail_chain: wrong schedules around a tail call', () => {
  it('a program a tail call may start begins in the frame the one before left: a zero store dropped on a clearing core is refuted there', async () => {
    const p = program$('tail_chain');
    // the passes on xdp2hw as if the dispatcher only ever started a packet (the stack cleared)
    const ir = lift(p);
    runPasses(ir, { minFrame: 60, core: XDP2HW, maps: obj.maps });
    const dropped = lower(ir).program;
    const kept = compileObject(obj, { program: p.name, core: XDP2HW }).optimized.program;
    const stackStores = (q: Program): number => q.code.insns.filter((i) => (i.kind === 'st' || i.kind === 'stx') && i.dst === 10).length;
    // the key 0 of count(0) is not stored: the stack was zero; the pipeline keeps it, a tail call may start the dispatcher
    expect(stackStores(dropped)).toBe(stackStores(p) - 1);
    expect(stackStores(kept)).toBe(stackStores(p));
    expect((await proveEquivalent(p, dropped, { maps: obj.maps })).status).toBe('proved');
    const proof = await proveEquivalent(p, dropped, { maps: obj.maps, tailCallTarget: true });
    expect(proof.status, JSON.stringify(proof.regions)).toBe('counterexample');
    expect(proof.counterexample?.region).toBe('map counts');
  }, 60_000);

  it('the packet store moved after the tail call: the program switched to sees the packet unmarked', async () => {
    const rows = linkedPasses();
    const q = rows.programs!.find((x) => x.name === 'tc_relay')!;
    // keep the data pointer in r7 (r1-r5 do not survive the call) and store p[15] after the call's row
    const isStore = (s: Syllable): boolean => s.insn.kind === 'st' && s.insn.off === 15 && s.insn.size === 1;
    const storeRow = rowWith(rows, q, isStore);
    const callRow = rowWith(rows, q, (s) => isTailCall(s.insn));
    const store = rows.rows[q.entry + storeRow].find((s) => s && isStore(s))!;
    const base = (store.insn as Extract<Insn, { kind: 'st' }>).dst;
    const save = (row: Row): Row => row.map((s) => (s && isStore(s) ? { ...s, insn: movr(7, base) } : s));
    const after = (row: Row): Row => [{ ...store, insn: { ...(store.insn as Extract<Insn, { kind: 'st' }>), dst: 7 } }, ...row.slice(0, -1).map((s) => s)];
    expect(rows.rows[q.entry + callRow + 1].at(-1)).toBeUndefined();
    const wrong = mutate(mutate(rows, q, storeRow, save), q, callRow + 1, after);
    const proof = await proveEquivalent(program$('tc_relay'), part(wrong, q), { maps: obj.maps, tailCallTarget: true });
    expect(proof.status, JSON.stringify(proof.regions)).toBe('counterexample');
    expect(proof.counterexample?.region).toBe('packet bytes');
    // real: through the dispatcher (slot 1: tc_relay, then tc_end) the packet leaves without p[15]'s mark
    const [a, b] = await runBoth(wrong, 1);
    expect(b).not.toEqual(a);
    const [a0, b0] = await runBoth(rows, 1);
    expect(b0).toEqual(a0);
  }, 60_000);

  it('another index: the tail call goes elsewhere (or not at all, where the other slot fails)', async () => {
    const rows = linked();
    const q = rows.programs!.find((x) => x.name === 'tc_relay')!;
    const isIndex = (s: Syllable): boolean => s.insn.kind === 'alu' && s.insn.op === 'mov' && s.insn.dst === 3 && s.insn.src.type === 'imm';
    const r = rowWith(rows, q, isIndex);
    const wrong = mutate(rows, q, r, (row) => row.map((s) => (s && isIndex(s) ? { ...s, insn: { ...s.insn, src: imm(4) } as Insn } : s)));
    const proof = await proveEquivalent(program$('tc_relay'), part(wrong, q), { maps: obj.maps, tailCallTarget: true });
    expect(proof.status, JSON.stringify(proof.regions)).toBe('counterexample');
    expectOtherCall(proof.counterexample!, 2, 4);
    const [a, b] = await runBoth(wrong, 1); // slot 4 is tc_pop: the packet loses 14 bytes
    expect(b).not.toEqual(a);
  }, 60_000);

  it('the instructions too: the passes\' side with another index gives the same counterexample', async () => {
    const p = program$('tc_loop');
    // tc_loop's call of itself (slot 3; its call of the empty slot 5 stays)
    const insns = p.code.insns.map((i) => (i.kind === 'alu' && i.op === 'mov' && i.dst === 3 && i.src.type === 'imm' && i.src.value === 3 ? { ...i, src: imm(2) } : i));
    expect(insns).not.toEqual(p.code.insns);
    const proof = await proveEquivalent(p, { ...p, code: layoutProgram(insns) }, { maps: obj.maps, tailCallTarget: true });
    expect(proof.status).toBe('counterexample');
    expectOtherCall(proof.counterexample!, 3, 2);
  }, 60_000);

  it('r0 read after a failed tail call, or a tail call sharing its row with a jump: refused', async () => {
    const rows = linkedPasses();
    const q = rows.programs!.find((x) => x.name === 'tc_relay')!;
    const exitRow = rowWith(rows, q, (s) => s.insn.kind === 'exit-imm');
    // `exit` reads r0, which a failed tail call does not set (the kernel's verifier: not initialised)
    const readsR0 = mutate(rows, q, exitRow, (row) => row.map((s) => (s?.insn.kind === 'exit-imm' ? { ...s, insn: { kind: 'exit' } as Insn } : s)));
    await expect(proveEquivalent(program$('tc_relay'), part(readsR0, q), { maps: obj.maps, tailCallTarget: true })).rejects.toThrow(/r0 is read while it holds an undefined value \(r0 is not set after the tail call at instruction \d+ fails\)/);
    const callRow = rowWith(rows, q, (s) => isTailCall(s.insn));
    const jump: Syllable = { insn: { kind: 'ja', off: 0, wide: false }, target: q.entry + callRow + 1, source: {} };
    const shared = mutate(rows, q, callRow, (row) => [row[0], jump, ...row.slice(2)]);
    const refused = proveEquivalent(program$('tc_relay'), part(shared, q), { maps: obj.maps, tailCallTarget: true });
    await expect(refused).rejects.toThrow(VerifyError);
    await expect(refused).rejects.toThrow(/a tail call's row holds no other control syllable/);
  }, 60_000);
});
