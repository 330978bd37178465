// Map definitions in an ELF object: BTF-defined maps in `.maps`, legacy `struct bpf_map_def` in
// SEC("maps"), and global data sections as single-entry array maps, laid out as libbpf does.

import { BtfKind } from './btf.js';
import type { Btf } from './btf.js';
import { FormatError, Reader } from './bytes.js';
import { SHF, SHN, SHT, STT } from './elf.js';
import type { ElfFile, ElfSection } from './elf.js';
import { MAP_TYPE_NAMES } from './types.js';
import type { MapDef, MapTypeName } from './types.js';

/** libbpf sets this on `.rodata` maps: the program may not write them. */
export const BPF_F_RDONLY_PROG = 0x80;
/** libbpf (1.1) sets this on every global data map, so user space can mmap it. */
export const BPF_F_MMAPABLE = 0x400;

/** `.rodata`, `.data`, `.bss` and their `.<suffix>` variants: the sections libbpf makes global data maps of. */
export function isDataSectionName(name: string): boolean {
  return /^\.(rodata|data|bss)(\..*)?$/.test(name);
}

/** The map libbpf makes of a global data section: an array of one value, mmapable, read-only for `.rodata`. */
export function dataMapDef(section: string, valueSize: number, initial?: Uint8Array): MapDef {
  const flags = BPF_F_MMAPABLE | (section.startsWith('.rodata') ? BPF_F_RDONLY_PROG : 0);
  return {
    name: section, type: 'array', typeId: 2, keySize: 4, valueSize, maxEntries: 1, flags, ...(initial ? { initial } : {}), section,
  };
}
/** The most global data accepted, all sections together (a `.bss` size is not backed by file bytes). */
export const MAX_GLOBAL_DATA = 16 << 20;

export interface MapTable {
  readonly maps: MapDef[];
  /** map index by "<section index>:<byte offset>" of its definition (map sections) */
  readonly byLocation: ReadonlyMap<string, number>;
  /** global data map index by section index */
  readonly dataMaps: ReadonlyMap<number, number>;
}

function mapTypeName(typeId: number): MapTypeName {
  const n = MAP_TYPE_NAMES[typeId];
  if (n === undefined) throw new FormatError(`unknown map type ${typeId}`);
  return n;
}

function isDataSection(s: ElfSection): boolean {
  if (!(s.flags & SHF.ALLOC) || s.flags & SHF.EXECINSTR || (s.type !== SHT.PROGBITS && s.type !== SHT.NOBITS)) return false;
  return isDataSectionName(s.name);
}

export function collectMaps(elf: ElfFile, btf: Btf | undefined): MapTable {
  const maps: MapDef[] = [];
  const byLocation = new Map<string, number>();
  const dataMaps = new Map<number, number>();
  for (const sec of elf.sections) {
    if (sec.name === 'maps') legacyMaps(elf, sec, maps, byLocation);
  }
  for (const sec of elf.sections) {
    if (sec.name !== '.maps') continue;
    if (!btf) throw new FormatError('section .maps defines maps with BTF, but the object has no .BTF section (compile with -g)');
    btfMaps(elf, sec, btf, maps, byLocation);
  }
  let dataBytes = 0;
  for (const sec of elf.sections) {
    if (!isDataSection(sec) || sec.size === 0) continue;
    dataBytes += sec.size;
    if (dataBytes > MAX_GLOBAL_DATA)
      throw new FormatError(`section ${sec.name} is ${sec.size} bytes, more global data than the ${MAX_GLOBAL_DATA} bytes this loader accepts`);
    dataMaps.set(sec.index, maps.length);
    maps.push(dataMapDef(sec.name, sec.size, sec.type === SHT.NOBITS ? new Uint8Array(sec.size) : sec.data.slice()));
  }
  return { maps, byLocation, dataMaps };
}

/** Symbols defined in a section, sorted by value (section and file symbols left out). */
function symbolsIn(elf: ElfFile, sec: ElfSection) {
  return elf.symbols
    .filter((s) => s.shndx === sec.index && s.shndx !== SHN.UNDEF && s.type !== STT.SECTION && s.type !== STT.FILE && s.name !== '')
    .sort((a, b) => a.value - b.value);
}

function legacyMaps(elf: ElfFile, sec: ElfSection, maps: MapDef[], byLocation: Map<string, number>): void {
  const syms = symbolsIn(elf, sec);
  if (syms.length === 0) return;
  if (sec.size % syms.length !== 0)
    throw new FormatError(`section maps: ${sec.size} bytes do not divide into ${syms.length} map definitions`);
  const defSize = sec.size / syms.length;
  const r = new Reader(sec.data);
  for (const s of syms) {
    if (s.value % defSize !== 0 || s.value + defSize > sec.size)
      throw new FormatError(`map ${s.name}: definition at offset ${s.value} is not one of the section's ${defSize}-byte slots`);
    const field = (i: number) => (i * 4 + 4 <= defSize ? r.u32(s.value + i * 4) : 0);
    const typeId = field(0);
    byLocation.set(`${sec.index}:${s.value}`, maps.length);
    maps.push({
      name: s.name, type: mapTypeName(typeId), typeId, keySize: field(1), valueSize: field(2), maxEntries: field(3),
      flags: field(4), section: 'maps',
    });
  }
}

function btfMaps(elf: ElfFile, sec: ElfSection, btf: Btf, maps: MapDef[], byLocation: Map<string, number>): void {
  const syms = new Map(symbolsIn(elf, sec).map((s) => [s.name, s]));
  for (const v of btf.datasecVars('.maps')) {
    const sym = syms.get(v.name);
    if (!sym) throw new FormatError(`map ${v.name}: BTF declares it in .maps but the object has no symbol for it`);
    byLocation.set(`${sec.index}:${sym.value}`, maps.length);
    maps.push(btfMapDef(btf, v.name, v.type, true));
  }
}

/** The integer N of a member declared `int (*name)[N]` (libbpf's __uint). */
function uintMember(btf: Btf, map: string, member: string, type: number): number {
  const what = `map ${map}, member ${member}`;
  const ptr = btf.skipModifiers(type, what);
  if (ptr.kind !== BtfKind.PTR) throw new FormatError(`${what}: expected a pointer-to-array encoding (__uint)`);
  const arr = btf.skipModifiers(ptr.sizeOrType, what);
  if (arr.kind !== BtfKind.ARRAY) throw new FormatError(`${what}: expected a pointer to an array (__uint)`);
  return arr.array!.nelems;
}

/** The size of the type pointed to by a member declared `T *name` (libbpf's __type). */
function pointeeSize(btf: Btf, map: string, member: string, type: number): number {
  const what = `map ${map}, member ${member}`;
  const ptr = btf.skipModifiers(type, what);
  if (ptr.kind !== BtfKind.PTR) throw new FormatError(`${what}: expected a pointer to the ${member} type (__type)`);
  return btf.sizeOf(ptr.sizeOrType, what);
}

function btfMapDef(btf: Btf, name: string, typeId: number, outer: boolean): MapDef {
  const st = btf.skipModifiers(typeId, `map ${name}`);
  if (st.kind !== BtfKind.STRUCT) throw new FormatError(`map ${name}: its BTF type is not a struct`);
  const f = { type: 0, keySize: 0, valueSize: 0, maxEntries: 0, flags: 0 };
  let innerMap: MapDef | undefined;
  const setSize = (field: 'keySize' | 'valueSize', n: number, member: string) => {
    if (f[field] !== 0 && f[field] !== n) throw new FormatError(`map ${name}: ${member} gives size ${n}, which contradicts ${f[field]}`);
    f[field] = n;
  };
  for (const m of st.members) {
    switch (m.name) {
      case 'type': f.type = uintMember(btf, name, m.name, m.type); break;
      case 'max_entries': f.maxEntries = uintMember(btf, name, m.name, m.type); break;
      case 'map_flags': f.flags = uintMember(btf, name, m.name, m.type); break;
      case 'key_size': setSize('keySize', uintMember(btf, name, m.name, m.type), m.name); break;
      case 'value_size': setSize('valueSize', uintMember(btf, name, m.name, m.type), m.name); break;
      case 'key': setSize('keySize', pointeeSize(btf, name, m.name, m.type), m.name); break;
      case 'value': setSize('valueSize', pointeeSize(btf, name, m.name, m.type), m.name); break;
      case 'values': {
        if (!outer) throw new FormatError(`map ${name}: an inner map cannot itself hold maps`);
        innerMap = innerMapDef(btf, name, m.type);
        setSize('valueSize', 4, m.name); // map-in-map and prog-array values are 4-byte ids
        break;
      }
      case 'pinning': case 'numa_node': case 'map_extra':
        uintMember(btf, name, m.name, m.type);
        break;
      default:
        throw new FormatError(`map ${name}: unknown map definition member '${m.name}'`);
    }
  }
  const def: MapDef = {
    name, type: mapTypeName(f.type), typeId: f.type, keySize: f.keySize, valueSize: f.valueSize, maxEntries: f.maxEntries,
    flags: f.flags, section: '.maps',
  };
  return innerMap ? { ...def, innerMap } : def;
}

/** `values`: a zero-length array of pointers to the inner map's struct (or to programs, for a prog array). */
function innerMapDef(btf: Btf, outer: string, type: number): MapDef | undefined {
  const what = `map ${outer}, member values`;
  const arr = btf.skipModifiers(type, what);
  if (arr.kind !== BtfKind.ARRAY) throw new FormatError(`${what}: expected an array of pointers (__array)`);
  const ptr = btf.skipModifiers(arr.array!.type, what);
  if (ptr.kind !== BtfKind.PTR) throw new FormatError(`${what}: expected an array of pointers (__array)`);
  const target = btf.skipModifiers(ptr.sizeOrType, what);
  if (target.kind === BtfKind.FUNC_PROTO) return undefined; // prog array: values are programs
  return btfMapDef(btf, `${outer}.inner`, target.id, false);
}
