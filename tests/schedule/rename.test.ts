// Register renaming in the motion strategy (compiler/schedule/rename.ts): a reused register's
// second value moves to a register the program never names, so the two chains pack side by side;
// the moved value's reads (read-modify-write ones too) follow it and the rows still equal the
// interpreter. A value still live where a side exit goes stays where it is.

import { describe, expect, it } from 'vitest';
import { scheduleObject } from '../../compiler/schedule/index.js';
import { defuse, HXDP, layoutProgram, XDP2HW } from '../../isa/index.js';
import type { Insn } from '../../isa/index.js';
import { createEngine } from '../../simulator/engines.js';
import { compareOutcomes } from '../differential/compare.js';
import { EngineSet, loadProgram } from '../differential/engines.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { objectWith } from './gen.js';

const shell = loadProgram(PROGRAMS_DIR, 'xdp1');
const ldx = (dst: number, src: number, off: number, size: 1 | 4 = 1): Insn => ({ kind: 'ldx', size, signed: false, dst, src, off });
const stx = (dst: number, src: number, off: number): Insn => ({ kind: 'stx', size: 1, dst, src, off });
const mov = (dst: number, v: number | { reg: number }): Insn => ({ kind: 'alu', op: 'mov', width: 64, dst, src: typeof v === 'number' ? { type: 'imm', value: v } : { type: 'reg', reg: v.reg } });
const add = (dst: number, v: number): Insn => ({ kind: 'alu', op: 'add', width: 64, dst, src: { type: 'imm', value: v } });
const EXIT: Insn = { kind: 'exit' };
/** r6 = data, r7 = data_end; to the drop at the end unless 14 bytes are there (`drop`: offset of the drop from insn 5) */
const check = (drop: number): Insn[] => [ldx(6, 1, 0, 4), ldx(7, 1, 4, 4), mov(2, { reg: 6 }), add(2, 14), { kind: 'jmp', cond: 'jgt', width: 64, dst: 2, src: { type: 'reg', reg: 7 }, off: drop }];

function object(insns: Insn[]) {
  const name = 'renamed';
  return objectWith(shell.obj, { name, section: 'xdp', code: layoutProgram(insns), functions: [{ name, start: 0 }], mapRefs: new Map() });
}

// r3 carries two values: the second has only an anti and an output dependence on the first
const TWO_CHAINS = object([
  ...check(10),
  ldx(3, 6, 0), add(3, 1), add(3, 2), stx(6, 3, 1),
  ldx(3, 6, 2), add(3, 5), add(3, 6), stx(6, 3, 3),
  mov(0, 2), EXIT,
  mov(0, 1), EXIT,
]);

// the second value of r3 is read where the branch goes (insn 14): it cannot move
const LIVE_AT_EXIT = object([
  ...check(12),
  ldx(3, 6, 0), add(3, 1), stx(6, 3, 1),
  ldx(3, 6, 2), { kind: 'jmp', cond: 'jeq', width: 64, dst: 3, src: { type: 'imm', value: 7 }, off: 4 },
  add(3, 5), stx(6, 3, 3), mov(0, 2), EXIT,
  stx(6, 3, 4), mov(0, 3), EXIT,
  mov(0, 1), EXIT,
]);

const PACKETS = [10, 14, 20, 64].flatMap((n) => [0, 7].map((b2) => Uint8Array.from({ length: n }, (_, i) => (i === 2 ? b2 : (i * 37 + 11) & 0xff))));

async function sameAsInterpreter(obj: ReturnType<typeof object>, rename: boolean): Promise<void> {
  for (const core of [HXDP, XDP2HW]) {
    const schedule = () => scheduleObject(obj, 'renamed', { core, lanes: 4, strategy: 'motion', rename }).program;
    const set = await EngineSet.open([createEngine('interpreter'), createEngine('rows', { schedule })], obj, 'renamed', shell.fixture);
    try {
      for (const packet of PACKETS) {
        const [ref, rows] = await set.run({ packet, label: `${packet.length} B` });
        expect(compareOutcomes(ref, rows), `${core.name} ${packet.length} B, byte 2 = ${packet[2]}`).toEqual([]);
      }
    } finally {
      await set.close();
    }
  }
}

/** Registers the rows name that the program does not. */
function fresh(obj: ReturnType<typeof object>, rows: ReturnType<typeof scheduleObject>): number[] {
  const named = new Set(obj.programs[0].code.insns.flatMap((i) => [...defuse(i).reads, ...defuse(i).writes]));
  const out = new Set<number>();
  for (const s of rows.program.rows.flat()) if (s) for (const r of [...defuse(s.insn).reads, ...defuse(s.insn).writes]) if (!named.has(r)) out.add(r);
  return [...out];
}

describe('register renaming (motion)', () => {
  it('moves a reused register\'s second value to an unnamed register: fewer rows, same results', async () => {
    const off = scheduleObject(TWO_CHAINS, 'renamed', { core: HXDP, lanes: 4, strategy: 'motion', rename: false });
    const on = scheduleObject(TWO_CHAINS, 'renamed', { core: HXDP, lanes: 4, strategy: 'motion' });
    expect(off.stats.renamed).toBeUndefined();
    expect(fresh(TWO_CHAINS, off)).toEqual([]);
    expect(on.stats.renamed).toBe(1);
    expect(on.stats.rows).toBeLessThan(off.stats.rows);
    const [to] = fresh(TWO_CHAINS, on);
    expect([4, 5, 8, 9]).toContain(to);
    // the load, both adds and the store name the new register
    expect(on.program.rows.flat().filter((s) => s && [...defuse(s.insn).reads, ...defuse(s.insn).writes].includes(to)).length).toBe(4);
    await sameAsInterpreter(TWO_CHAINS, true);
    await sameAsInterpreter(TWO_CHAINS, false);
  });

  it('leaves a value alone when it is live where a side exit goes', async () => {
    const on = scheduleObject(LIVE_AT_EXIT, 'renamed', { core: HXDP, lanes: 4, strategy: 'motion' });
    expect(on.stats.renamed).toBe(0);
    expect(fresh(LIVE_AT_EXIT, on)).toEqual([]);
    await sameAsInterpreter(LIVE_AT_EXIT, true);
  });
});
