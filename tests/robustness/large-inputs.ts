// Large but well-formed inputs of every format, built to the size asked, for the check that the
// readers' work grows with the input (no loop quadratic in a count the input chooses).

import { encodeGlobalHeader, encodeRecordHeader } from '../../simulator/pcap/format.js';
import { buildElf } from '../loader/elf-builder.js';
import type { BuildReloc, BuildSymbol } from '../loader/elf-builder.js';

/** Instructions from hex slots (elf-builder's code() spreads its arguments, which large inputs cannot). */
function code(...groups: string[][]): Uint8Array {
  return Uint8Array.from(Buffer.from(groups.flat().join(''), 'hex'));
}

const MOV_R0_0 = 'b700000000000000';
const EXIT = '9500000000000000';
const CALL_REL = '85100000ffffffff';

/** An entry in section xdp calling each of `n` .text functions through R_BPF_64_32 relocations. */
export function elfManyCalls(n: number): Uint8Array {
  const entry = code(Array<string>(n).fill(CALL_REL), [EXIT]);
  const text = code(Array.from({ length: n }, () => [MOV_R0_0, EXIT]).flat());
  const symbols: BuildSymbol[] = [{ name: 'prog', section: 0, size: entry.length }];
  const relocs: BuildReloc[] = [];
  for (let i = 0; i < n; i++) {
    symbols.push({ name: `f${i}`, section: 1, value: i * 16, size: 16 });
    relocs.push({ section: 0, offset: i * 8, type: 10, symbol: i + 1 });
  }
  return buildElf([{ name: 'xdp', data: entry }, { name: '.text', data: text }], symbols, relocs);
}

/** `n` code sections of one program each. */
export function elfManySections(n: number): Uint8Array {
  const sections = Array.from({ length: n }, (_, i) => ({ name: `xdp/p${i}`, data: code([MOV_R0_0, EXIT]) }));
  return buildElf(sections, sections.map((_, i) => ({ name: `p${i}`, section: i, size: 16 })));
}

const insnLine = (pc: number, hex: string) => `${String(pc).padStart(8)}:\t${hex.match(/../g)!.join(' ')}\tinsn`;

/** A -dr listing of the same shape as elfManyCalls. */
export function listingManyCalls(n: number): string {
  const out = ['', 'big.o:\tfile format elf64-bpf', '', 'Disassembly of section xdp:', '', '0000000000000000 <prog>:'];
  for (let i = 0; i < n; i++) out.push(insnLine(i, CALL_REL), `\t\t${(i * 8).toString(16).padStart(16, '0')}:  R_BPF_64_32\tf${i}`);
  out.push(insnLine(n, EXIT), '', 'Disassembly of section .text:', '');
  for (let i = 0; i < n; i++) out.push(`${(i * 16).toString(16).padStart(16, '0')} <f${i}>:`, insnLine(2 * i, MOV_R0_0), insnLine(2 * i + 1, EXIT));
  return out.join('\n') + '\n';
}

/** A pcap of `n` records of `len` bytes (0: empty records). */
export function pcapRecords(n: number, len: number): Uint8Array {
  const out = new Uint8Array(24 + n * (16 + len));
  out.set(encodeGlobalHeader({}), 0);
  const v = new DataView(out.buffer);
  for (let i = 0; i < n; i++) encodeRecordHeader(v, 24 + i * (16 + len), {}, i, 0, len, len);
  return out;
}

/** A .data file whose asm section has `n` jumps to labels. */
export function dataFileLines(n: number): string {
  const lines = ['-- asm', 'mov %r0, 0'];
  for (let i = 0; i < n; i++) lines.push(`l${i}:`, 'add %r0, 1', `jeq %r0, -1, l${i}`);
  lines.push('exit', '-- result', `0x${n.toString(16)}`);
  return lines.join('\n') + '\n';
}

/** A traffic spec with `n` named entries, every other one a reply to the one before. */
export function specManyEntries(n: number): unknown {
  const mix = Array.from({ length: n }, (_, i) => (i % 2 ? { name: `e${i}`, reply: `e${i - 1}` } : { name: `e${i}`, ip: { dst: `10.${i >> 8 & 255}.${i & 255}.0/24` } }));
  return { packets: n, mix };
}

/** A fixture with `n` entries for a hash map of 4-byte keys and 8-byte values. */
export function fixtureEntries(map: string, n: number): unknown {
  const hex = (i: number) => Buffer.from(Uint32Array.of(i).buffer).toString('hex');
  return { maps: { [map]: { entries: Array.from({ length: n }, (_, i) => ({ key: hex(i), value: `${hex(i)}00000000` })) } } };
}
