// The row semantics of isa/rows.ts on hand-made rows run by the rows engine: reads before writes,
// the lowest taken lane wins, a taken branch keeps the rest of its row, and rows that break the
// rules are refused when the engine opens them.

import { describe, expect, it } from 'vitest';
import type { Insn, Row, RowProgram } from '../../isa/index.js';
import { RunInputError } from '../../simulator/engine.js';
import { createEngine } from '../../simulator/engines.js';
import { loadProgram } from '../differential/engines.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';

const c = loadProgram(PROGRAMS_DIR, 'xdp_pass');
const program = c.obj.programs[0].name;
const packet = new Uint8Array(64);

const mov = (dst: number, v: number | { reg: number }): Insn =>
  ({ kind: 'alu', op: 'mov', width: 64, dst, src: typeof v === 'number' ? { type: 'imm', value: v } : { type: 'reg', reg: v.reg } });
const sub = (dst: number, reg: number): Insn => ({ kind: 'alu', op: 'sub', width: 64, dst, src: { type: 'reg', reg } });
const EXIT: Insn = { kind: 'exit' };
const s = (insn: Insn, target?: number) => ({ insn, source: {}, ...(target === undefined ? {} : { target }) });

async function run(rows: Row[]): Promise<number> {
  const p: RowProgram = { name: program, lanes: 4, rows, entry: 0, originalInsns: 0 };
  const session = await createEngine('rows', { schedule: () => p }).open(c.obj, program, c.fixture);
  try {
    const r = await session.run({ packet });
    expect(r.trap).toBeUndefined();
    return r.code;
  } finally {
    await session.close();
  }
}

describe('row semantics', () => {
  it('every syllable of a row reads its registers before any writes (a swap in one row)', async () => {
    const code = await run([
      [s(mov(0, 2)), s(mov(3, 3))],
      [s(mov(0, { reg: 3 })), s(mov(3, { reg: 0 }))], // r0 = 3, r3 = 2 (not 3, 3)
      [s(sub(0, 3))], // 1: XDP_DROP
      [s(EXIT)],
    ]);
    expect(code).toBe(1);
  });

  it('the lowest taken lane wins, and a taken branch keeps the rest of its row', async () => {
    const jeq: Insn = { kind: 'jmp', cond: 'jeq', width: 64, dst: 0, src: { type: 'imm', value: 0 }, off: 0 };
    const ja: Insn = { kind: 'ja', off: 0, wide: false };
    const code = await run([
      [s(mov(0, 0)), s(mov(4, 0))],
      [s(jeq, 3), s(ja, 4), s(mov(4, 3))], // both take; lane 0 goes to row 3; lane 2 still runs
      [s(EXIT)],
      [s(mov(0, { reg: 4 }))], // r0 = 3: XDP_TX
      [s(EXIT)],
    ]);
    expect(code).toBe(3);
  });

  it('refuses a row in which two lanes write one register, or a call reads a register its row writes', async () => {
    const open = (rows: Row[]) => createEngine('rows', { schedule: () => ({ name: program, lanes: 4, rows, entry: 0, originalInsns: 0 }) }).open(c.obj, program, c.fixture);
    await expect(open([[s(mov(1, 1)), s(mov(1, 2))], [s(EXIT)]])).rejects.toThrow(/row 0: lanes 0 and 1 both write r1/);
    await expect(open([[s({ kind: 'call', target: 'helper', id: 1 }), s(mov(1, 2))], [s(EXIT)]])).rejects.toBeInstanceOf(RunInputError);
  });
});
