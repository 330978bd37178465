// Test helper: writes small ELF64 little-endian BPF objects (sections, symbols, REL relocations)
// so loader tests can make exactly the object they need, valid or broken, without clang.

export interface BuildSection {
  name: string;
  /** SHT_*: 1 PROGBITS (default), 8 NOBITS */
  type?: number;
  /** SHF_*: default ALLOC|EXECINSTR for PROGBITS */
  flags?: number;
  data?: Uint8Array;
  /** NOBITS size */
  size?: number;
}

export interface BuildSymbol {
  name: string;
  /** index into the sections given to buildElf (0 = the first one), or 'undef' */
  section: number | 'undef';
  value?: number;
  size?: number;
  /** STT_*: default FUNC */
  type?: number;
  /** STB_*: default GLOBAL */
  bind?: number;
}

export interface BuildReloc {
  /** index of the section the relocation applies to */
  section: number;
  offset: number;
  /** R_BPF_*: 1 R_BPF_64_64, 10 R_BPF_64_32 */
  type: number;
  /** index into the symbols given to buildElf */
  symbol: number;
}

const SHF_ALLOC_EXEC = 0x6;

class Strtab {
  bytes: number[] = [0];
  add(s: string): number {
    const off = this.bytes.length;
    this.bytes.push(...Buffer.from(s, 'utf8'), 0);
    return off;
  }
}

/**
 * An ELF object with the given sections (indices 1..n), then .symtab, .strtab, .shstrtab and one
 * `.rel<name>` section per relocated section. Symbol 0 is the null symbol; given symbols follow.
 */
export function buildElf(sections: BuildSection[], symbols: BuildSymbol[] = [], relocs: BuildReloc[] = [], machine = 247): Uint8Array {
  const shstr = new Strtab();
  const str = new Strtab();
  const sym = Buffer.alloc(24 * (symbols.length + 1));
  symbols.forEach((s, i) => {
    const o = 24 * (i + 1);
    sym.writeUInt32LE(str.add(s.name), o);
    sym.writeUInt8(((s.bind ?? 1) << 4) | (s.type ?? 2), o + 4);
    sym.writeUInt16LE(s.section === 'undef' ? 0 : s.section + 1, o + 6);
    sym.writeBigUInt64LE(BigInt(s.value ?? 0), o + 8);
    sym.writeBigUInt64LE(BigInt(s.size ?? 0), o + 16);
  });
  const relSections = [...new Set(relocs.map((r) => r.section))].map((target) => {
    const list = relocs.filter((r) => r.section === target);
    const data = Buffer.alloc(16 * list.length);
    list.forEach((r, i) => {
      data.writeBigUInt64LE(BigInt(r.offset), 16 * i);
      data.writeUInt32LE(r.type, 16 * i + 8);
      data.writeUInt32LE(r.symbol + 1, 16 * i + 12);
    });
    return { target, data };
  });
  const symtabIndex = sections.length + 1;
  const all: OutSection[] = [
    { name: 0, type: 0, flags: 0, data: new Uint8Array(0), size: 0, link: 0, info: 0, entsize: 0, align: 0 },
  ];
  for (const s of sections) {
    const data = s.data ?? new Uint8Array(0);
    const type = s.type ?? 1;
    all.push({ name: shstr.add(s.name), type, flags: s.flags ?? SHF_ALLOC_EXEC, data: type === 8 ? new Uint8Array(0) : data, size: type === 8 ? (s.size ?? 0) : data.length, link: 0, info: 0, entsize: 0, align: 8 });
  }
  const strtabIndex = symtabIndex + 1;
  all.push({ name: shstr.add('.symtab'), type: 2, flags: 0, data: sym, size: sym.length, link: strtabIndex, info: 1, entsize: 24, align: 8 });
  const strData = Uint8Array.from(str.bytes);
  all.push({ name: shstr.add('.strtab'), type: 3, flags: 0, data: strData, size: strData.length, link: 0, info: 0, entsize: 0, align: 1 });
  for (const r of relSections)
    all.push({ name: shstr.add(`.rel${sections[r.target].name}`), type: 9, flags: 0x40, data: r.data, size: r.data.length, link: symtabIndex, info: r.target + 1, entsize: 16, align: 8 });
  const shstrndx = all.length;
  const shstrName = shstr.add('.shstrtab');
  const shstrData = Uint8Array.from(shstr.bytes);
  all.push({ name: shstrName, type: 3, flags: 0, data: shstrData, size: shstrData.length, link: 0, info: 0, entsize: 0, align: 1 });

  return layout(all, shstrndx, machine);
}

interface OutSection {
  name: number;
  type: number;
  flags: number;
  data: Uint8Array;
  size: number;
  link: number;
  info: number;
  entsize: number;
  align: number;
}

/** The file: ELF header, section contents (8-aligned), then the section header table. */
function layout(all: OutSection[], shstrndx: number, machine: number): Uint8Array {
  const chunks: Buffer[] = [Buffer.alloc(64)];
  let at = 64;
  const offsets = all.map((s) => {
    const pad = (8 - (at % 8)) % 8;
    chunks.push(Buffer.alloc(pad), Buffer.from(s.data));
    at += pad;
    const off = at;
    at += s.data.length;
    return off;
  });
  const shoffPad = (8 - (at % 8)) % 8;
  chunks.push(Buffer.alloc(shoffPad));
  const shoff = at + shoffPad;
  const shdrs = Buffer.alloc(64 * all.length);
  all.forEach((s, i) => {
    const o = 64 * i;
    shdrs.writeUInt32LE(s.name, o);
    shdrs.writeUInt32LE(s.type, o + 4);
    shdrs.writeBigUInt64LE(BigInt(s.flags), o + 8);
    shdrs.writeBigUInt64LE(BigInt(i === 0 ? 0 : offsets[i]), o + 0x18);
    shdrs.writeBigUInt64LE(BigInt(s.size), o + 0x20);
    shdrs.writeUInt32LE(s.link, o + 0x28);
    shdrs.writeUInt32LE(s.info, o + 0x2c);
    shdrs.writeBigUInt64LE(BigInt(s.align), o + 0x30);
    shdrs.writeBigUInt64LE(BigInt(s.entsize), o + 0x38);
  });
  chunks.push(shdrs);
  const out = Buffer.concat(chunks);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  out.writeUInt16LE(1, 16); // ET_REL
  out.writeUInt16LE(machine, 18);
  out.writeUInt32LE(1, 20);
  out.writeBigUInt64LE(BigInt(shoff), 0x28);
  out.writeUInt16LE(64, 0x34);
  out.writeUInt16LE(64, 0x3a);
  out.writeUInt16LE(all.length, 0x3c);
  out.writeUInt16LE(shstrndx, 0x3e);
  return new Uint8Array(out);
}

/** Bytes of instructions given as 16-hex-digit words in llvm-objdump byte order ("b700000000000000"). */
export function code(...slots: string[]): Uint8Array {
  return Uint8Array.from(Buffer.from(slots.join(''), 'hex'));
}

/** A legacy struct bpf_map_def (5 u32). */
export function mapDef(type: number, keySize: number, valueSize: number, maxEntries: number, flags = 0): Uint8Array {
  const b = Buffer.alloc(20);
  [type, keySize, valueSize, maxEntries, flags].forEach((v, i) => b.writeUInt32LE(v, i * 4));
  return new Uint8Array(b);
}
