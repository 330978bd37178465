// The fields of a (well-formed) ELF64 BPF object that structure-aware mutations corrupt: the ELF
// header, every section header, symbols, REL entries, instructions, legacy map definitions and the
// .BTF header and type records. Lenient: it lists what it can find and never throws.

export interface Field {
  /** e.g. "shdr[3].sh_size", "sym[5].st_shndx", "btf.type[7].info" */
  readonly name: string;
  readonly off: number;
  readonly width: 1 | 2 | 4 | 8;
}

/** Byte ranges worth cutting the file at (section starts and ends, the header table). */
export interface ElfLayout {
  readonly fields: Field[];
  readonly cuts: number[];
}

const EHDR: [string, number, 1 | 2 | 4 | 8][] = [
  ['ei_class', 4, 1], ['ei_data', 5, 1], ['e_type', 16, 2], ['e_machine', 18, 2], ['e_version', 20, 4], ['e_phoff', 32, 8],
  ['e_shoff', 40, 8], ['e_ehsize', 52, 2], ['e_phnum', 56, 2], ['e_shentsize', 58, 2], ['e_shnum', 60, 2], ['e_shstrndx', 62, 2],
];
const SHDR: [string, number, 1 | 2 | 4 | 8][] = [
  ['sh_name', 0, 4], ['sh_type', 4, 4], ['sh_flags', 8, 8], ['sh_offset', 24, 8], ['sh_size', 32, 8], ['sh_link', 40, 4],
  ['sh_info', 44, 4], ['sh_entsize', 56, 8],
];
const SYM: [string, number, 1 | 2 | 4 | 8][] = [['st_name', 0, 4], ['st_info', 4, 1], ['st_shndx', 6, 2], ['st_value', 8, 8], ['st_size', 16, 8]];
const REL: [string, number, 1 | 2 | 4 | 8][] = [['r_offset', 0, 8], ['r_type', 8, 4], ['r_sym', 12, 4]];
const INSN: [string, number, 1 | 2 | 4 | 8][] = [['opcode', 0, 1], ['regs', 1, 1], ['off', 2, 2], ['imm', 4, 4]];
const BTF_HDR: [string, number, 1 | 2 | 4 | 8][] = [
  ['magic', 0, 2], ['version', 2, 1], ['hdr_len', 4, 4], ['type_off', 8, 4], ['type_len', 12, 4], ['str_off', 16, 4], ['str_len', 20, 4],
];
/** BTF kind → bytes after the 12-byte header: fixed, or per vlen item */
const BTF_FIXED: Record<number, number> = { 1: 4, 3: 12, 14: 4, 17: 4 };
const BTF_PER_VLEN: Record<number, number> = { 4: 12, 5: 12, 6: 8, 13: 8, 15: 12, 19: 12 };
const SHT_SYMTAB = 2;
const SHT_REL = 9;
const SHF_EXECINSTR = 4;
/** instructions listed per code section at most (the rest are reached by random byte edits) */
const MAX_INSNS = 64;

function add(out: Field[], prefix: string, base: number, rows: [string, number, 1 | 2 | 4 | 8][], size: number): void {
  for (const [n, o, w] of rows) if (base + o + w <= size) out.push({ name: `${prefix}.${n}`, off: base + o, width: w });
}

interface Shdr {
  name: string;
  type: number;
  flags: number;
  offset: number;
  size: number;
}

export function elfLayout(b: Uint8Array): ElfLayout {
  const fields: Field[] = [];
  const cuts: number[] = [0, 16, 63, 64];
  add(fields, 'ehdr', 0, EHDR, b.length);
  if (b.length < 64) return { fields, cuts };
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const shoff = Number(v.getBigUint64(40, true));
  const shnum = v.getUint16(60, true);
  const shstrndx = v.getUint16(62, true);
  const headers: Shdr[] = [];
  for (let i = 0; i < shnum && shoff + (i + 1) * 64 <= b.length; i++) {
    const o = shoff + i * 64;
    add(fields, `shdr[${i}]`, o, SHDR, b.length);
    headers.push({ name: '', type: v.getUint32(o + 4, true), flags: Number(v.getBigUint64(o + 8, true)), offset: Number(v.getBigUint64(o + 24, true)), size: Number(v.getBigUint64(o + 32, true)) });
    cuts.push(o, o + 32);
  }
  const strtab = headers[shstrndx];
  headers.forEach((h, i) => {
    const no = shoff + i * 64;
    const nameOff = no + 4 <= b.length ? v.getUint32(no, true) : 0;
    if (strtab && strtab.offset + nameOff < b.length) {
      const end = b.indexOf(0, strtab.offset + nameOff);
      h.name = new TextDecoder().decode(b.subarray(strtab.offset + nameOff, end < 0 ? b.length : end));
    }
    if (h.offset + h.size > b.length) return;
    cuts.push(h.offset, h.offset + 1, h.offset + h.size - 1, h.offset + h.size);
    sectionFields(fields, b, v, h, i);
  });
  return { fields, cuts: [...new Set(cuts)].filter((c) => c >= 0 && c <= b.length).sort((x, y) => x - y) };
}

function sectionFields(fields: Field[], b: Uint8Array, v: DataView, h: Shdr, i: number): void {
  const end = h.offset + h.size;
  if (h.type === SHT_SYMTAB) for (let o = h.offset, k = 0; o + 24 <= end; o += 24, k++) add(fields, `sym[${k}]`, o, SYM, b.length);
  else if (h.type === SHT_REL) for (let o = h.offset, k = 0; o + 16 <= end; o += 16, k++) add(fields, `rel${i}[${k}]`, o, REL, b.length);
  else if (h.flags & SHF_EXECINSTR)
    for (let o = h.offset, k = 0; o + 8 <= end && k < MAX_INSNS; o += 8, k++) add(fields, `${h.name}[${k}]`, o, INSN, b.length);
  else if (h.name === 'maps') for (let o = h.offset, k = 0; o + 4 <= end; o += 4, k++) fields.push({ name: `maps.u32[${k}]`, off: o, width: 4 });
  else if (h.name === '.BTF') btfFields(fields, v, h.offset, end);
  else if (h.name === '.BTF.ext') add(fields, 'btf.ext', h.offset, BTF_HDR, end);
}

/** The .BTF header and each type record's name, info (kind, vlen), size/type and extra words. */
function btfFields(fields: Field[], v: DataView, start: number, end: number): void {
  if (start + 24 > end) return;
  add(fields, 'btf', start, BTF_HDR, end);
  const hdrLen = v.getUint32(start + 4, true);
  const typeOff = start + hdrLen + v.getUint32(start + 8, true);
  const typeEnd = Math.min(end, typeOff + v.getUint32(start + 12, true));
  for (let o = typeOff, id = 1; o + 12 <= typeEnd; id++) {
    const info = v.getUint32(o + 4, true);
    const kind = (info >>> 24) & 0x1f;
    const vlen = info & 0xffff;
    fields.push({ name: `btf.type[${id}].name_off`, off: o, width: 4 }, { name: `btf.type[${id}].info`, off: o + 4, width: 4 },
      { name: `btf.type[${id}].vlen`, off: o + 4, width: 2 }, { name: `btf.type[${id}].size_type`, off: o + 8, width: 4 });
    const extra = BTF_PER_VLEN[kind] !== undefined ? vlen * BTF_PER_VLEN[kind] : (BTF_FIXED[kind] ?? 0);
    for (let k = 0; k < extra && o + 12 + k + 4 <= typeEnd && k < 48; k += 4) fields.push({ name: `btf.type[${id}].extra${k / 4}`, off: o + 12 + k, width: 4 });
    o += 12 + extra;
  }
}
