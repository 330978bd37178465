// Packet accesses the kernel verifier would reject: lifts a program, runs absint.ts assuming nothing
// of the packet's length (the verifier's view: length 0 until a check proves more) and lists every
// load or store through a packet pointer whose bytes are not proven inside [data, data_end) on every
// path. Reports only; runs nothing and changes nothing. Not judged: accesses through pointers the
// domain cannot place (TOP) and through variable-offset packet pointers (data + [lo, hi], lo < hi):
// the domain keeps one minimum length, not the verifier's per-pointer range (the `r` a check on a
// copy of the same pointer id proves), so it would warn where the verifier accepts.

import { disassembleInsn } from '../../isa/index.js';
import type { Insn } from '../../isa/index.js';
import { lift, walk } from '../ir/index.js';
import type { Program } from '../loader/types.js';
import { analyze } from './absint.js';

export interface PacketFinding {
  /** the instruction's slot in the program */
  readonly pc: number;
  /** the instruction as llvm-objdump lists it */
  readonly insn: string;
  /** the first byte accessed, as an offset from data */
  readonly off: number;
  readonly size: number;
  /** data_end - data >= proven on every path to the instruction: [data, data + proven) is known inside */
  readonly proven: number;
  /** the verifier's wording (what it prints for a fixed-offset packet access out of range) */
  readonly message: string;
}

interface Access {
  readonly base: number;
  readonly off: number;
  readonly size: number;
}

/** The memory an instruction reads or writes through a register, or undefined when none. */
function accessOf(insn: Insn): Access | undefined {
  switch (insn.kind) {
    case 'ldx': return { base: insn.src, off: insn.off, size: insn.size };
    case 'ldx6': return { base: insn.src, off: insn.off, size: 6 };
    case 'st': case 'stx': case 'atomic': return { base: insn.dst, off: insn.off, size: insn.size };
    case 'stx6': return { base: insn.dst, off: insn.off, size: 6 };
    default: return undefined;
  }
}

/** Every packet access of `program` not proven inside the packet when nothing is assumed of its length. */
export function packetFindings(program: Program): PacketFinding[] {
  const ir = lift(program);
  const a = analyze(ir, { minFrame: 0, clearsStack: false, clearsRegisters: false });
  const out: PacketFinding[] = [];
  for (const { insn } of walk(ir)) {
    const s = a.before.get(insn);
    const acc = accessOf(insn.insn);
    if (!s || !acc) continue;
    const p = s.regs[acc.base];
    if (p.k !== 'pkt' || p.lo !== p.hi) continue;
    const off = p.lo + acc.off;
    if (off >= 0 && off + acc.size <= s.minLen) continue;
    const pc = insn.origin?.pc ?? -1;
    out.push({ pc, insn: disassembleInsn(insn.insn, pc), off, size: acc.size, proven: s.minLen, message: message(acc, off, s.minLen) });
  }
  return out.sort((x, y) => x.pc - y.pc);
}

/** The two lines the kernel prints (check_packet_access), joined by `; `. */
function message(acc: Access, off: number, proven: number): string {
  const r = `R${acc.base}`;
  return `invalid access to packet, off=${off} size=${acc.size}, ${r}(id=0,off=${off},r=${proven}); ${r} offset is outside of the packet`;
}

/** One line for the user: `<file>: <program> pc <pc> (<insn>): <message>`. */
export function findingLine(file: string, program: string, f: PacketFinding): string {
  return `${file}: ${program} pc ${f.pc} (${f.insn}): ${f.message} (the kernel verifier would reject this access; bytes [${f.off}, ${f.off + f.size}) of the packet, only [0, ${f.proven}) proven present)`;
}
