// The ROM image of a scheduled program and its readable listing. ROM: one row a line, lanes from
// the highest to lane 0 (hXDP's layout: lane 3 leftmost for 4 lanes), each syllable the 64-bit
// little-endian word of its encoding as 16 hex digits, an empty lane all zeros (a nop), every jump
// offset relocated to rows (target row − row − 1). `hxdp` keeps to what hXDP's core decodes.
// The core extensions of CoreConfig.extensions have syllables of their own (CORE_EXTENSION_SYLLABLES,
// each in an encoding RFC 9669 leaves undefined); the `hxdp` format refuses them.

import { Cls, disassembleInsn, encodeInsn, SizeCode } from '../../isa/index.js';
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

/** The memory-add syllable's modes in the STX class (RFC 9669 defines ABS, IND and 0xa0 for none of them there). */
export const MEMORY_ADD_MODE = { imm64: 0x20, reg: 0x40, imm32: 0xa0 } as const;
/** The fused null test: JMP | op 0xf0 (undefined in RFC 9669) | K. */
export const FUSED_NULL_TEST_OPCODE = 0xf5;

/**
 * The syllables of the core extensions (CoreConfig.extensions), each layout drawn msb to lsb as in
 * isa/syllables.ts. Tests read them against romHex.
 */
export const CORE_EXTENSION_SYLLABLES = [
  {
    extension: 'speculativeLoads', what: 'a non-faulting load (ldx, ldxs or ldx6): a fault leaves dst and does not trap',
    layout: 'msb [ 1:32 | off:16 | src:4 | dst:4 | load opcode:8 ] lsb (RFC 9669 leaves a load\'s imm 0)',
  },
  {
    extension: 'memoryAdd', what: 'rX = *(size *)(rB + off); rX += y; *(size *)(rB + off) = rX, one syllable',
    layout: 'msb [ y:32 | off:16 | rX:4 | rB:4 | 0x20 (64-bit add) or 0xa0 (32-bit add) | size | STX:8 ] lsb (y an immediate); '
      + 'msb [ 0:23 | w32:1 | 0:4 | yreg:4 | off:16 | rX:4 | rB:4 | 0x40 | size | STX:8 ] lsb (y a register)',
  },
  {
    extension: 'fusedCallNullTest', what: 'if r0 ==/!= 0 goto +off, r0 as the helper call in a lower lane of the row leaves it',
    layout: 'msb [ 0:32 | off:16 | cond:4 (1 ==, 5 !=) | 0:4 | 0xf5:8 ] lsb',
  },
] as const;

const SIZE: Record<number, number> = { 1: SizeCode.B, 2: SizeCode.H, 4: SizeCode.W, 8: SizeCode.DW };

/** The extended syllable of a syllable the core extensions make, or undefined for a base one. */
function extendedWord(s: Syllable, row: number, lane: number, format: RomFormat): RawSlot | undefined {
  const ext = s.memoryAdd ? 'memoryAdd' : s.fusedNullTest ? 'fusedCallNullTest' : s.speculative ? 'speculativeLoads' : undefined;
  if (!ext) return undefined;
  if (format === 'hxdp') throw new RomError(row, lane, `hXDP's core does not decode the ${ext} extension's syllable (${CORE_EXTENSION_SYLLABLES.find((e) => e.extension === ext)!.what})`);
  const insn = s.insn;
  if (s.memoryAdd) {
    const { add, store } = s.memoryAdd;
    if (insn.kind !== 'ldx' || insn.signed || add.kind !== 'alu' || add.op !== 'add' || add.dst !== insn.dst || store.kind !== 'stx' || store.dst !== insn.src || store.src !== insn.dst || store.off !== insn.off || store.size !== insn.size)
      throw new RomError(row, lane, 'a memory add must be an unsigned ldx rX, an add to rX and an stx of rX to the load\'s address');
    const w32 = add.width === 32;
    const base = { dst: insn.src, src: insn.dst, off: insn.off };
    if (add.src.type === 'reg') return { ...base, opcode: MEMORY_ADD_MODE.reg | SIZE[insn.size] | Cls.STX, imm: add.src.reg | (w32 ? 1 << 8 : 0) };
    return { ...base, opcode: (w32 ? MEMORY_ADD_MODE.imm32 : MEMORY_ADD_MODE.imm64) | SIZE[insn.size] | Cls.STX, imm: add.src.value };
  }
  if (s.fusedNullTest) {
    if (insn.kind !== 'jmp' || s.target === undefined || (insn.cond !== 'jeq' && insn.cond !== 'jne') || insn.dst !== 0 || insn.src.type !== 'imm' || insn.src.value !== 0 || insn.width !== 64)
      throw new RomError(row, lane, 'a fused null test must be if r0 == 0 or if r0 != 0 (64-bit)');
    return { opcode: FUSED_NULL_TEST_OPCODE, dst: 0, src: insn.cond === 'jeq' ? 1 : 5, off: s.target - row - 1, imm: 0 };
  }
  if (insn.kind !== 'ldx' && insn.kind !== 'ldx6') throw new RomError(row, lane, `a speculative ${insn.kind}: only loads may be speculative`);
  return { ...encodeInsn(insn)[0], imm: 1 };
}

/** The one 64-bit word of a syllable, its jump offset relocated to rows. */
function word(s: Syllable, row: number, lane: number, format: RomFormat): RawSlot {
  let insn = s.insn;
  const ext = extendedWord(s, row, lane, format);
  if (ext) return ext;
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
      if (s.memoryAdd) text = `${text}; ${disassembleInsn(s.memoryAdd.add, 0)}; ${disassembleInsn(s.memoryAdd.store, 0)} (memory add)`;
      if (s.fusedNullTest) text += ' (after the call)';
      if (s.speculative) text += ' (non-faulting)';
      const src = s.source.index === undefined ? 'new' : `insn ${s.source.index}`;
      const line = s.source.line ? `  ${s.source.line.file.split('/').pop()}:${s.source.line.line} ${s.source.line.text.trim()}` : '';
      lines.push(`  lane ${lane}: ${text.padEnd(36)} ; ${src}${line}`);
    });
  });
  return `${lines.join('\n')}\n`;
}
