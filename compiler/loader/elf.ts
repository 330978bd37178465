// ELF64 little-endian object files as clang -target bpf writes them: section headers, the symbol
// table and REL relocations, every offset and count checked against the file. No BPF meaning here.

import { FormatError, Reader } from './bytes.js';

export const SHT = { NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, NOBITS: 8, REL: 9 } as const;
export const SHF = { WRITE: 0x1, ALLOC: 0x2, EXECINSTR: 0x4 } as const;
export const STT = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4 } as const;
export const STB = { LOCAL: 0, GLOBAL: 1, WEAK: 2 } as const;
export const SHN = { UNDEF: 0, LORESERVE: 0xff00, ABS: 0xfff1, COMMON: 0xfff2, XINDEX: 0xffff } as const;
export const EM_BPF = 247;

/** BPF relocation types (llvm's ELFRelocs/BPF.def). */
export const R_BPF = { NONE: 0, R64_64: 1, ABS64: 2, ABS32: 3, NODYLD32: 4, R64_32: 10 } as const;
export const R_BPF_NAMES: Readonly<Record<number, string>> = {
  0: 'R_BPF_NONE', 1: 'R_BPF_64_64', 2: 'R_BPF_64_ABS64', 3: 'R_BPF_64_ABS32', 4: 'R_BPF_64_NODYLD32', 10: 'R_BPF_64_32',
};

export interface ElfSection {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly entsize: number;
  /** the section's bytes (empty for NOBITS) */
  readonly data: Uint8Array;
}

export interface ElfSymbol {
  readonly index: number;
  /** for section symbols: the section's name */
  readonly name: string;
  readonly type: number;
  readonly bind: number;
  readonly shndx: number;
  readonly value: number;
  readonly size: number;
}

export interface ElfReloc {
  /** byte offset in the section the relocations apply to */
  readonly offset: number;
  readonly type: number;
  readonly sym: ElfSymbol;
}

export interface ElfFile {
  readonly sections: readonly ElfSection[];
  readonly symbols: readonly ElfSymbol[];
  /** relocations by the index of the section they apply to */
  readonly relocs: ReadonlyMap<number, readonly ElfReloc[]>;
}

const EHDR_SIZE = 64;
const SHDR_SIZE = 64;
const SYM_SIZE = 24;
const REL_SIZE = 16;

export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

export function parseElf(bytes: Uint8Array): ElfFile {
  const r = new Reader(bytes);
  if (bytes.length < EHDR_SIZE) throw new FormatError(`truncated ELF: ${bytes.length} bytes, shorter than the 64-byte ELF header`);
  if (r.u8(4) !== 2) throw new FormatError('not a 64-bit ELF object (BPF objects are ELF64)');
  if (r.u8(5) !== 1) throw new FormatError('big-endian ELF objects are not supported (compile with -target bpf or bpfel)');
  const machine = r.u16(18);
  if (machine !== EM_BPF) throw new FormatError(`not a BPF object: ELF machine ${machine}, expected ${EM_BPF} (EM_BPF)`);
  const headers = readSectionHeaders(r);
  const sections = nameSections(r, headers);
  const symbols = readSymbols(r, sections);
  const relocs = readRelocs(sections, symbols);
  return { sections, symbols, relocs };
}

interface RawHeader {
  nameOff: number;
  type: number;
  flags: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
}

function readSectionHeaders(r: Reader): RawHeader[] {
  const shoff = r.u64(0x28, 'section header offset');
  const shentsize = r.u16(0x3a);
  let shnum = r.u16(0x3c);
  if (shoff === 0) throw new FormatError('ELF object has no section headers');
  if (shentsize !== SHDR_SIZE) throw new FormatError(`section header size is ${shentsize}, expected ${SHDR_SIZE}`);
  if (shoff + SHDR_SIZE > r.size)
    throw new FormatError(`truncated ELF: section headers start at byte ${shoff}, the file has ${r.size} bytes`);
  if (shnum === 0) shnum = r.u64(shoff + 0x20, 'section count'); // extended numbering: count in section 0's size
  if (shnum > Math.floor((r.size - shoff) / SHDR_SIZE))
    throw new FormatError(`truncated ELF: ${shnum} section headers at byte ${shoff} do not fit in the file (${r.size} bytes)`);
  const headers: RawHeader[] = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * SHDR_SIZE;
    const h: RawHeader = {
      nameOff: r.u32(o), type: r.u32(o + 4), flags: r.u64(o + 8, 'section flags'), offset: r.u64(o + 0x18, 'section offset'),
      size: r.u64(o + 0x20, 'section size'), link: r.u32(o + 0x28), info: r.u32(o + 0x2c), entsize: r.u64(o + 0x38, 'entry size'),
    };
    if (i > 0 && h.type !== SHT.NOBITS && h.type !== SHT.NULL && h.offset + h.size > r.size)
      throw new FormatError(`truncated ELF: section ${i} (bytes ${h.offset}..${h.offset + h.size}) extends past the end of the file (${r.size} bytes)`);
    headers.push(h);
  }
  return headers;
}

function nameSections(r: Reader, headers: RawHeader[]): ElfSection[] {
  let shstrndx = r.u16(0x3e);
  if (shstrndx === SHN.XINDEX) shstrndx = headers[0].link;
  const strtab = headers[shstrndx];
  if (!strtab || strtab.type !== SHT.STRTAB) throw new FormatError(`section name table ${shstrndx} is not a string table`);
  return headers.map((h, index) => {
    const name = index === 0 ? '' : r.cstr(strtab.offset + h.nameOff, strtab.offset + strtab.size, `name of section ${index}`);
    const data = h.type === SHT.NOBITS || index === 0 ? new Uint8Array(0) : r.slice(h.offset, h.size, `section ${name}`);
    return { index, name, type: h.type, flags: h.flags, size: h.size, link: h.link, info: h.info, entsize: h.entsize, data };
  });
}

function readSymbols(r: Reader, sections: ElfSection[]): ElfSymbol[] {
  const tabs = sections.filter((s) => s.type === SHT.SYMTAB);
  if (tabs.length === 0) return [];
  if (tabs.length > 1) throw new FormatError('more than one symbol table');
  const tab = tabs[0];
  const strtab = sections[tab.link];
  if (!strtab || strtab.type !== SHT.STRTAB) throw new FormatError(`symbol table links to section ${tab.link}, not a string table`);
  if (tab.size % SYM_SIZE !== 0) throw new FormatError(`symbol table size ${tab.size} is not a multiple of ${SYM_SIZE}`);
  const t = new Reader(tab.data);
  const s = new Reader(strtab.data);
  const symbols: ElfSymbol[] = [];
  for (let i = 0; i < tab.size / SYM_SIZE; i++) {
    const o = i * SYM_SIZE;
    const info = t.u8(o + 4);
    const shndx = t.u16(o + 6);
    const type = info & 0xf;
    if (shndx !== SHN.UNDEF && shndx < SHN.LORESERVE && shndx >= sections.length)
      throw new FormatError(`symbol ${i} refers to section ${shndx}, which does not exist`);
    const nameOff = t.u32(o);
    let name = nameOff === 0 ? '' : s.cstr(nameOff, s.size, `name of symbol ${i}`);
    if (type === STT.SECTION && name === '' && shndx < sections.length) name = sections[shndx].name;
    symbols.push({ index: i, name, type, bind: info >> 4, shndx, value: t.u64(o + 8, 'symbol value'), size: t.u64(o + 16, 'symbol size') });
  }
  return symbols;
}

function readRelocs(sections: ElfSection[], symbols: ElfSymbol[]): Map<number, ElfReloc[]> {
  const out = new Map<number, ElfReloc[]>();
  for (const sec of sections) {
    if (sec.type !== SHT.REL && sec.type !== SHT.RELA) continue;
    const target = sections[sec.info];
    if (!target) throw new FormatError(`relocation section ${sec.name} applies to section ${sec.info}, which does not exist`);
    if (sec.type === SHT.RELA) {
      if (target.flags & SHF.EXECINSTR) throw new FormatError(`relocation section ${sec.name}: RELA relocations are not supported`);
      continue;
    }
    if (sec.size % REL_SIZE !== 0) throw new FormatError(`relocation section ${sec.name}: size ${sec.size} is not a multiple of ${REL_SIZE}`);
    const t = new Reader(sec.data);
    const list: ElfReloc[] = [];
    for (let i = 0; i < sec.size / REL_SIZE; i++) {
      const offset = t.u64(i * REL_SIZE, 'relocation offset');
      const type = t.u32(i * REL_SIZE + 8);
      const symIdx = t.u32(i * REL_SIZE + 12);
      const sym = symbols[symIdx];
      if (!sym) throw new FormatError(`relocation section ${sec.name}: entry ${i} refers to symbol ${symIdx}, which does not exist`);
      list.push({ offset, type, sym });
    }
    const prev = out.get(target.index);
    out.set(target.index, prev ? prev.concat(list) : list);
  }
  return out;
}
