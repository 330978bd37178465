// The ROM image of a scheduled program and its readable listing. ROM: one row a line, lanes from
// the highest to lane 0 (hXDP's layout: lane 3 leftmost for 4 lanes), each syllable the 64-bit
// little-endian word of its encoding as 16 hex digits, an empty lane all zeros (a nop), every jump
// offset relocated to rows (target row − row − 1). `hxdp` keeps to what hXDP's core decodes.

import { disassembleInsn, encodeInsn } from '../../isa/index.js';
import type { Insn, RawSlot, RowProgram, Syllable } from '../../isa/index.js';

export type RomFormat = 'xdp2hw' | 'hxdp';
export const ROM_FORMATS: readonly RomFormat[] = ['xdp2hw', 'hxdp'];

/** A syllable the ROM cannot hold: row, lane and why. */
export class RomError extends Error {
  constructor(readonly row: number, readonly lane: number, readonly why: string) {
    super(`row ${row} lane ${lane}: ${why}`);
    this.name = 'RomError';
  }
}

const NOP = '0'.repeat(16);

/** Why hXDP's core (its released VHDL, as read for the reference notes) would not run this syllable, if it would not. */
function hxdpProblem(insn: Insn, lane: number): string | undefined {
  switch (insn.kind) {
    case 'alu':
      if (['mul', 'div', 'sdiv', 'mod', 'smod', 'movsx'].includes(insn.op)) return `${insn.op} is not implemented by hXDP's core`;
      return undefined;
    case 'jmp': return insn.width === 32 ? 'hXDP\'s core does not decode the JMP32 class' : undefined;
    case 'ja': return insn.wide ? 'hXDP\'s core does not decode gotol (JMP32 class)' : undefined;
    case 'end': return insn.order === 'bswap' ? 'bswap is not implemented by hXDP\'s core' : undefined;
    case 'exit-imm': return lane === 0 ? undefined : 'hXDP decodes the early exit (0x96) in lane 0 only';
    case 'lddw': return insn.hi !== 0 ? 'hXDP\'s lddw loads 32 bits' : undefined;
    case 'ldx': return insn.signed ? 'sign-extending loads are not implemented by hXDP\'s core' : undefined;
    case 'exit': case 'call': case 'st': case 'stx': return undefined;
    case 'atomic': case 'ld-abs': case 'ld-ind': case 'callx': case 'call-local': case 'ldx6': case 'stx6': case 'alu3': case 'jlen':
      return `${insn.kind} is not decoded by hXDP's core`;
  }
}

/** The one 64-bit word of a syllable, its jump offset relocated to rows. */
function word(s: Syllable, row: number, lane: number, format: RomFormat): RawSlot {
  let insn = s.insn;
  if (s.speculative) throw new RomError(row, lane, 'a speculative (non-faulting) load has no ROM encoding yet');
  if (s.memoryAdd) throw new RomError(row, lane, 'a memory-add syllable (core extension memoryAdd) has no ROM encoding yet');
  if (s.fusedNullTest) throw new RomError(row, lane, 'a null test fused with its helper call (core extension fusedCallNullTest) has no ROM encoding yet');
  if (format === 'hxdp') {
    const why = hxdpProblem(insn, lane);
    if (why) throw new RomError(row, lane, why);
  }
  if (s.target !== undefined && (insn.kind === 'jmp' || insn.kind === 'ja' || insn.kind === 'jlen')) insn = { ...insn, off: s.target - row - 1 };
  const slots = encodeInsn(insn);
  if (slots.length > 1) {
    // lddw: the core loads the low word's immediate; a second word fits no lane
    if (insn.kind === 'lddw' && insn.hi !== 0) throw new RomError(row, lane, `lddw of a 64-bit constant (high word ${insn.hi}) takes two slots, a ROM lane holds one`);
  }
  return slots[0];
}

/** The 16 hex digits of a slot's little-endian 64-bit word. */
function hex(s: RawSlot): string {
  const lo = (s.opcode | (s.dst << 8) | (s.src << 12) | ((s.off & 0xffff) << 16)) >>> 0;
  const hi = s.imm >>> 0;
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** The ROM image: one line per row, `lanes` syllables of 16 hex digits, the highest lane first. */
export function romHex(p: RowProgram, format: RomFormat = 'xdp2hw'): string {
  return p.rows.map((row, r) => {
    const out: string[] = [];
    for (let lane = p.lanes - 1; lane >= 0; lane--) {
      const s = row[lane];
      out.push(s ? hex(word(s, r, lane, format)) : NOP);
    }
    return `${out.join('')}\n`;
  }).join('');
}

/** rows × lanes, each syllable disassembled with its target row, source instruction index and source line. */
export function romListing(p: RowProgram): string {
  const lines = [`; ${p.name}: ${p.rows.length} rows × ${p.lanes} lanes, ${p.originalInsns} original instructions`];
  p.rows.forEach((row, r) => {
    lines.push(`row ${r}:`);
    row.forEach((s, lane) => {
      if (!s) return;
      let text = disassembleInsn(s.insn, s.source.pc ?? 0);
      if (s.target !== undefined) text = text.replace(/(goto|call) [^\s]+/, `$1 row ${s.target}`);
      const src = s.source.index === undefined ? 'new' : `insn ${s.source.index}`;
      const line = s.source.line ? `  ${s.source.line.file.split('/').pop()}:${s.source.line.line} ${s.source.line.text.trim()}` : '';
      lines.push(`  lane ${lane}: ${text.padEnd(36)} ; ${src}${line}`);
    });
  });
  return `${lines.join('\n')}\n`;
}
