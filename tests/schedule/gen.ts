// fast-check programs for the scheduler: a prologue that bounds-checks 64 bytes of packet, then
// segments of straight-line ALU (div and mod included), packet loads and stores after the check,
// stack spills and reloads, forward branches over a few instructions, helper calls (the PRNG,
// the clock) and map lookups with the null test; at the end every scalar register is stored into
// the packet (so outputs show them) and the action is r0 & 3. Valid by construction.

import fc from 'fast-check';
import { layoutProgram, Pseudo } from '../../isa/index.js';
import type { AluOp, Insn, JmpCond } from '../../isa/index.js';
import type { LoadedObject, MapRef, Program } from '../../compiler/loader/types.js';

/** r6 = packet, r7 = data_end (callee-saved, survive calls); scalars: */
const SCALARS = [0, 3, 4, 5, 8, 9];
const ALU_OPS: AluOp[] = ['add', 'sub', 'mul', 'div', 'or', 'and', 'lsh', 'rsh', 'mod', 'xor', 'mov', 'arsh', 'neg'];
const CONDS: JmpCond[] = ['jeq', 'jgt', 'jge', 'jset', 'jne', 'jsgt', 'jsge', 'jlt', 'jle', 'jslt', 'jsle'];

/** A generated item: instructions, and for a branch the number of items after it that it skips. */
type Item = { insns: Insn[]; skip?: number; mapRef?: { at: number } };

const reg = fc.constantFrom(...SCALARS);
const alu: fc.Arbitrary<Item> = fc.record({ op: fc.constantFrom(...ALU_OPS), w: fc.constantFrom(32, 64) as fc.Arbitrary<32 | 64>, d: reg, s: fc.oneof(reg.map((r) => ({ type: 'reg' as const, reg: r })), fc.integer({ min: -70000, max: 70000 }).map((v) => ({ type: 'imm' as const, value: v }))) })
  .map(({ op, w, d, s }) => ({ insns: [{ kind: 'alu', op, width: w, dst: d, src: op === 'neg' ? { type: 'imm', value: 0 } : (op === 'lsh' || op === 'rsh' || op === 'arsh') && s.type === 'imm' ? { type: 'imm', value: Math.abs(s.value) % w } : s }] }));
const size = fc.constantFrom(1, 2, 4, 8) as fc.Arbitrary<1 | 2 | 4 | 8>;
const pktLoad: fc.Arbitrary<Item> = fc.record({ d: reg, sz: size, off: fc.nat(16) }).map(({ d, sz, off }) => ({ insns: [{ kind: 'ldx', size: sz, signed: false, dst: d, src: 6, off }] }));
const pktStore: fc.Arbitrary<Item> = fc.record({ s: reg, sz: size, off: fc.nat(16) }).map(({ s, sz, off }) => ({ insns: [{ kind: 'stx', size: sz, dst: 6, src: s, off }] }));
const slot = fc.integer({ min: 1, max: 3 }).map((k) => -8 * k);
const spill: fc.Arbitrary<Item> = fc.record({ s: reg, off: slot }).map(({ s, off }) => ({ insns: [{ kind: 'stx', size: 8, dst: 10, src: s, off }] }));
const reload: fc.Arbitrary<Item> = fc.record({ d: reg, off: slot }).map(({ d, off }) => ({ insns: [{ kind: 'ldx', size: 8, signed: false, dst: d, src: 10, off }] }));
const branch: fc.Arbitrary<Item> = fc.record({ c: fc.constantFrom(...CONDS), d: reg, v: fc.integer({ min: -300, max: 300 }), skip: fc.integer({ min: 1, max: 4 }) })
  .map(({ c, d, v, skip }) => ({ insns: [{ kind: 'jmp', cond: c, width: 64, dst: d, src: { type: 'imm', value: v }, off: 0 }], skip }));
const reinit = (): Insn[] => [3, 4, 5].map((r) => ({ kind: 'alu', op: 'mov', width: 64, dst: r, src: { type: 'imm', value: r * 11 } }));
const call: fc.Arbitrary<Item> = fc.constantFrom(7, 5).map((id) => ({ insns: [{ kind: 'call', target: 'helper', id }, ...reinit()] }));
/** key = scalar & 255 at r10-4; lookup; if found, *value += scalar */
const lookup: fc.Arbitrary<Item> = fc.record({ k: reg, a: reg }).map(({ k, a }) => ({
  insns: [
    { kind: 'stx', size: 4, dst: 10, src: k, off: -4 },
    { kind: 'lddw', dst: 1, pseudo: Pseudo.MAP_IDX, lo: 0, hi: 0 },
    { kind: 'alu', op: 'mov', width: 64, dst: 2, src: { type: 'reg', reg: 10 } },
    { kind: 'alu', op: 'add', width: 64, dst: 2, src: { type: 'imm', value: -4 } },
    { kind: 'alu', op: 'mov', width: 64, dst: 8, src: { type: 'reg', reg: a } },
    { kind: 'call', target: 'helper', id: 1 },
    { kind: 'jmp', cond: 'jeq', width: 64, dst: 0, src: { type: 'imm', value: 0 }, off: 3 },
    { kind: 'ldx', size: 8, signed: false, dst: 9, src: 0, off: 0 },
    { kind: 'alu', op: 'add', width: 64, dst: 9, src: { type: 'reg', reg: 8 } },
    { kind: 'stx', size: 8, dst: 0, src: 9, off: 0 },
    ...reinit(),
  ],
  mapRef: { at: 1 },
}));

export const itemsArb = fc.array(fc.oneof({ weight: 6, arbitrary: alu }, { weight: 2, arbitrary: pktLoad }, { weight: 2, arbitrary: pktStore },
  { weight: 1, arbitrary: spill }, { weight: 1, arbitrary: reload }, { weight: 2, arbitrary: branch }, { weight: 1, arbitrary: call }, { weight: 1, arbitrary: lookup }), { minLength: 1, maxLength: 40 });

/** The program of `items` inside the prologue and epilogue, as a loader Program (map 0 is the object's first map). */
export function buildProgram(items: readonly Item[], name: string): Program {
  const mov = (d: number, v: number): Insn => ({ kind: 'alu', op: 'mov', width: 64, dst: d, src: { type: 'imm', value: v } });
  const head: Insn[] = [
    { kind: 'ldx', size: 4, signed: false, dst: 6, src: 1, off: 0 }, { kind: 'ldx', size: 4, signed: false, dst: 7, src: 1, off: 4 },
    ...SCALARS.map((r, i) => mov(r, 3 * i + 1)),
    { kind: 'alu', op: 'mov', width: 64, dst: 2, src: { type: 'reg', reg: 6 } }, { kind: 'alu', op: 'add', width: 64, dst: 2, src: { type: 'imm', value: 64 } },
  ];
  const insns: Insn[] = [...head];
  const mapRefs = new Map<number, MapRef>();
  const checkAt = insns.length;
  insns.push({ kind: 'jmp', cond: 'jgt', width: 64, dst: 2, src: { type: 'reg', reg: 7 }, off: 0 }); // patched: to the final exit
  // each item's slot start, so forward skips become offsets
  const starts: number[] = [];
  const slots = (xs: readonly Insn[]) => xs.reduce((n, i) => n + (i.kind === 'lddw' ? 2 : 1), 0);
  let at = slots(insns);
  for (const it of items) {
    starts.push(at);
    at += slots(it.insns);
  }
  starts.push(at);
  items.forEach((it, k) => {
    const base = insns.length;
    it.insns.forEach((x, j) => {
      if (it.skip !== undefined && x.kind === 'jmp') {
        const to = starts[Math.min(k + 1 + it.skip, items.length)];
        insns.push({ ...x, off: to - (starts[k] + 1) });
      } else insns.push(x);
      if (it.mapRef?.at === j) mapRefs.set(base + j, { map: 0, kind: 'fd', offset: 0 });
    });
  });
  // every scalar into the packet, so the output shows each register's final value
  const dump: Insn[] = SCALARS.map((r, i) => ({ kind: 'stx', size: 8, dst: 6, src: r, off: 8 * i }));
  const tail: Insn[] = [...dump, { kind: 'alu', op: 'and', width: 64, dst: 0, src: { type: 'imm', value: 3 } }, { kind: 'exit' }, mov(0, 1), { kind: 'exit' }];
  const tailStart = at;
  insns.push(...tail);
  insns[checkAt] = { ...(insns[checkAt] as Extract<Insn, { kind: 'jmp' }>), off: tailStart + dump.length + 2 - (slots(insns.slice(0, checkAt)) + 1) };
  return { name, section: 'xdp', code: layoutProgram(insns), functions: [{ name, start: 0 }], mapRefs };
}

/** `obj` holding only `program` (its maps kept: map 0 is the lookups' map). */
export function objectWith(obj: LoadedObject, program: Program): LoadedObject {
  const { sections: _s, ...rest } = obj;
  return { ...rest, programs: [program] };
}
