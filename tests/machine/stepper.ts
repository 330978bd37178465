// A second, deliberately naive driver of simulator/machine: it steps one instruction at a time,
// building each instruction's handler from machine/semantics.ts when it is reached (no closure
// compiler, no constant pool: an immediate is written into one constant slot just before use).
// It shows that the machine's semantics stand apart from the interpreter, as the coming core
// needs them; tests run it on the bpf_conformance suite beside the interpreter.

import { branchTarget, decodeProgram, IsaError } from '../../isa/index.js';
import type { Insn } from '../../isa/index.js';
import {
  DEFAULT_BUDGET, FIRST_CONST, lddwValue, Machine, RegionKind, semantics, SWITCH, toBig,
} from '../../simulator/machine/index.js';
import type { Handler, Host, LddwValue } from '../../simulator/machine/index.js';
import type { ConformanceOutcome } from '../../simulator/interpreter/conformance.js';

/** bpf_conformance's helper 5 returns its first argument. */
const HOST: Host = {
  helper: (id) => (id === 5 ? (m) => ((m.L[0] = m.L[1]), (m.H[0] = m.H[1])) : undefined),
  helperName: (id) => `helper ${id}`,
  ctxLoad: () => false,
  mapAddress: () => 'no maps',
  packetLength: () => 0,
};

/** The one constant slot the stepper uses for an instruction's immediate. */
const IMM = FIRST_CONST;

function immediate(insn: Insn): number | undefined {
  const src = insn.kind === 'alu' || insn.kind === 'jmp' ? insn.src : insn.kind === 'alu3' ? insn.b : undefined;
  return src?.type === 'imm' ? src.value : undefined;
}

function sourceSlot(insn: Insn): number {
  const src = insn.kind === 'alu' || insn.kind === 'jmp' ? insn.src : insn.kind === 'alu3' ? insn.b : undefined;
  return src === undefined ? -1 : src.type === 'reg' ? src.reg : IMM;
}

/** Runs a conformance program (r1 = its memory, r2 = the length) one instruction at a time. */
export function stepConformance(program: Uint8Array, mem: Uint8Array, budget = DEFAULT_BUDGET): ConformanceOutcome {
  let code;
  try {
    code = decodeProgram(program);
  } catch (e) {
    if (e instanceof IsaError) return { ok: false, error: e.message };
    throw e;
  }
  const { insns, pcs } = code;
  if (insns.length === 0) return { ok: false, error: 'empty program' };
  const index = new Map(pcs.map((slot, i) => [slot, i]));
  const m = new Machine(HOST, FIRST_CONST + 1);
  const region = m.mem.add('mem', RegionKind.MEM, mem.slice(), true);
  m.mem.freeze();
  const prog = { name: 'stepper', index: 0, size: insns.length, slots: pcs };
  const handler = (i: number): Handler => {
    if (i >= insns.length) return () => m.fail('invalid-insn', 'execution ran past the last instruction', code.slots);
    const insn = insns[i], pc = pcs[i];
    const t = branchTarget(insn, pc);
    const target = t === undefined ? -1 : index.get(t);
    if (target === undefined) return () => m.fail('invalid-insn', `jump to slot ${t}, which starts no instruction`, pc);
    const value: LddwValue = insn.kind === 'lddw' ? lddwValue(m, insn, pc, undefined, (s) => index.get(s)) : [0, 0];
    const h = semantics(m, insn, { pc, next: i + 1, target, src: sourceSlot(insn), value });
    const imm = immediate(insn);
    if (imm === undefined) return h;
    return () => ((m.L[IMM] = imm), (m.H[IMM] = imm >> 31), h());
  };
  m.exec = (start) => {
    let pc = start;
    for (;;) {
      if (m.count >= m.budget) return m.outOfBudget(pc);
      m.count++;
      pc = handler(pc)();
      if (pc === SWITCH) pc = m.nextPc;
      else if (pc < 0) return pc;
    }
  };
  m.start(prog, budget);
  m.setPtr(1, region, 0);
  m.setNum(2, mem.length);
  m.run();
  if (m.trap) return { ok: false, error: `${m.trap.pc}: ${m.trap.message}`, trap: m.trap };
  return { ok: true, r0: toBig(m.H[0], m.L[0]), insnsExecuted: m.count };
}
