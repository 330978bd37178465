// Test helper: where our disassembly deliberately differs from what LLVM 14's llvm-objdump prints,
// and why. Tests skip exactly these instructions and fail when LLVM 14 agrees with us on one.
import { decodeProgram, disassemble } from '../../isa/index.js';
import type { Insn } from '../../isa/index.js';
import type { ObjdumpSection } from './objdump.js';

/** The reason LLVM 14 prints `insn` differently from us, or undefined when it must print the same. */
export function llvm14Differs(insn: Insn, alu32: boolean): string | undefined {
  switch (insn.kind) {
    case 'alu':
      if (insn.op === 'sdiv' || insn.op === 'smod') return 'v4 signed div/mod: LLVM 14 ignores off and prints the unsigned form';
      if (insn.op === 'movsx') return 'v4 movsx: LLVM 14 ignores off and prints mov';
      if (insn.op === 'mod') return 'BPF_MOD: <unknown> to LLVM 14 (clang 14 expands % into div, mul, sub)';
      return undefined;
    case 'ldx':
      return insn.signed ? 'v4 sign-extending load: <unknown> to LLVM 14' : undefined;
    case 'end':
      return insn.order === 'bswap' ? 'v4 bswap: <unknown> to LLVM 14' : undefined;
    case 'ja':
      return insn.wide ? 'v4 gotol: <unknown> to LLVM 14' : undefined;
    case 'callx':
      return 'LLVM 14 reads the callx register from imm; RFC 9669 and LLVM 17+ from dst';
    case 'jmp':
      return insn.cond === 'jset' ? 'jset: <unknown> to LLVM 14' : undefined;
    case 'st':
      return 'BPF_ST (store immediate): <unknown> to LLVM 14';
    case 'atomic':
      if (insn.size === 8 || alu32) return undefined;
      if (insn.op === 'add' && !insn.fetch) return undefined;
      return '32-bit atomics without alu32: LLVM 14 prints <unknown>, or fetch-add as a plain lock add';
    case 'ld-ind':
      return insn.imm !== 0 ? 'LLVM 14 does not print the imm of ld-ind' : undefined;
    case 'lddw':
      return insn.pseudo !== 0 && insn.hi !== 0 ? 'LLVM 14 does not print the second imm of ld_pseudo' : undefined;
    case 'exit-imm': case 'ldx6': case 'stx6': case 'alu3':
      return 'an extension of the xdp2hw core: <unknown> to LLVM';
    default:
      return undefined;
  }
}

export interface Comparison {
  /** instruction lines equal to llvm-objdump's */
  readonly equal: number;
  /** instruction lines that differ for a reason of llvm14Differs, by reason */
  readonly skipped: Map<string, number>;
  /** everything else: lines that differ without a reason, or agree despite one, and header lines */
  readonly failures: string[];
}

/** Compares our listing of each section with llvm-objdump's, line by line. */
export function compareSections(sections: readonly ObjdumpSection[], alu32: boolean): Comparison {
  let equal = 0;
  const skipped = new Map<string, number>();
  const failures: string[] = [];
  for (const sec of sections) {
    const decoded = decodeProgram(sec.bytes);
    const ours = disassemble(decoded, { symbols: sec.symbols, alu32 });
    if (ours.length !== sec.body.length) failures.push(`${sec.name}: ${ours.length} lines, llvm-objdump ${sec.body.length}`);
    const byPc = new Map(decoded.pcs.map((pc, i) => [pc, decoded.insns[i]]));
    ours.forEach((line, i) => {
      const theirs = sec.body[i];
      const pc = /^ *(\d+):\t/.exec(line)?.[1];
      if (pc === undefined) {
        if (line !== theirs) failures.push(`${sec.name}: header '${line}' vs '${theirs}'`);
        return;
      }
      const why = llvm14Differs(byPc.get(Number(pc))!, alu32);
      if (why === undefined && line === theirs) equal++;
      else if (why === undefined) failures.push(`${sec.name}: ours   '${line}'\n${' '.repeat(sec.name.length)}: llvm14 '${theirs}'`);
      else if (line === theirs) failures.push(`${sec.name}: listed as differing (${why}) but LLVM 14 prints the same: '${line}'`);
      else skipped.set(why, (skipped.get(why) ?? 0) + 1);
    });
  }
  return { equal, skipped, failures };
}
