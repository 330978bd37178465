import { describe, expect, it } from 'vitest';
import { buildCfg, blockCoverage } from '../../compiler/analysis/cfg.js';
import type { Program } from '../../compiler/loader/types.js';
import { decodeProgram, encodeProgram } from '../../isa/index.js';
import type { Insn } from '../../isa/index.js';

const r = (reg: number) => ({ type: 'reg', reg }) as const;
const k = (value: number) => ({ type: 'imm', value }) as const;

function program(insns: Insn[], functions = [{ name: 'main', start: 0 }]): Program {
  return { name: 'main', section: 'xdp', code: decodeProgram(encodeProgram(insns)), functions, mapRefs: new Map() };
}

describe('buildCfg', () => {
  it('splits at jump targets and after jumps; lddw counts as one instruction', () => {
    const p = program([
      { kind: 'alu', op: 'mov', width: 64, dst: 0, src: k(1) }, // 0: B0
      { kind: 'lddw', dst: 1, pseudo: 0, lo: 5, hi: 0 }, //          1 (2 slots)
      { kind: 'jmp', cond: 'jeq', width: 64, dst: 1, src: k(5), off: 2 }, // 2 → slot 3+1+2 = 6 = insn 5
      { kind: 'alu', op: 'add', width: 64, dst: 0, src: r(1) }, // 3: B1
      { kind: 'ja', off: 1, wide: false }, //                        4 → slot 5+1+1 = 7 = insn 6
      { kind: 'alu', op: 'mov', width: 64, dst: 0, src: k(2) }, // 5: B2
      { kind: 'exit' }, //                                            6: B3
    ]);
    const cfg = buildCfg(p);
    expect(cfg.blocks.map((b) => [b.start, b.end])).toEqual([[0, 3], [3, 5], [5, 6], [6, 7]]);
    expect(cfg.blocks.map((b) => b.succs)).toEqual([[1, 2], [3], [3], []]);
    expect(cfg.blocks.map((b) => b.label)).toEqual(['main.0', 'main.1', 'main.2', 'main.3']);
    expect(cfg.graph.successors('main.0')?.sort()).toEqual(['main.1', 'main.2']);
    expect(Array.from(cfg.blockOf)).toEqual([0, 0, 0, 1, 1, 2, 3]);
  });

  it('starts a block at each function and names blocks by function', () => {
    const p = program([
      { kind: 'call-local', off: 1 }, // → insn 2
      { kind: 'exit' },
      { kind: 'alu', op: 'mov', width: 64, dst: 0, src: k(7) },
      { kind: 'exit' },
    ], [{ name: 'main', start: 0 }, { name: 'helper', start: 2 }]);
    const cfg = buildCfg(p);
    expect(cfg.blocks.map((b) => b.label)).toEqual(['main.0', 'helper.0']);
    expect(cfg.blocks[0].succs).toEqual([]);
  });

  it('measures block coverage from executed instructions', () => {
    const p = program([
      { kind: 'jmp', cond: 'jeq', width: 64, dst: 1, src: k(0), off: 1 },
      { kind: 'exit-imm', action: 1 },
      { kind: 'exit-imm', action: 2 },
    ]);
    const cfg = buildCfg(p);
    const hit = new Set([0, 2]);
    expect(blockCoverage(cfg, (i) => hit.has(i))).toEqual({ covered: 2, total: 3, missed: ['main.1'] });
  });
});
