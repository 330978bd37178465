// ELF objects from clang -target bpf → programs, maps and code sections: finds the functions of
// each code section, turns relocation symbols into targets (maps, global data, code) and links.

import { Btf } from './btf.js';
import { parseLineInfo } from './btf-ext.js';
import { FormatError } from './bytes.js';
import { parseElf, R_BPF_NAMES, SHF, SHN, STB, STT } from './elf.js';
import type { ElfFile, ElfSymbol } from './elf.js';
import { collectMaps } from './maps.js';
import type { MapTable } from './maps.js';
import { addFunc, addReloc, buildPrograms, decodeCode } from './relocate.js';
import type { Code, RelocTarget } from './relocate.js';
import type { CodeSection, LoadedObject } from './types.js';

export function loadElf(bytes: Uint8Array): Omit<LoadedObject, 'file'> {
  const elf = parseElf(bytes);
  const btfSec = elf.sections.find((s) => s.name === '.BTF');
  const btf = btfSec ? Btf.parse(btfSec.data) : undefined;
  const maps = collectMaps(elf, btf);
  const codes = new Map<number, Code>();
  for (const sec of elf.sections) {
    if (sec.flags & SHF.EXECINSTR && sec.size > 0) codes.set(sec.index, decodeCode(sec.name, sec.data));
  }
  const bySection = symbolsBySection(elf);
  for (const [index, code] of codes) addFuncs(bySection.get(index) ?? [], code);
  addLineInfo(elf, btf, codes.values());
  for (const [index, code] of codes) {
    for (const r of elf.relocs.get(index) ?? [])
      addReloc(code, r.offset, { type: r.type, symbol: r.sym.name, target: targetOf(elf, r.sym, codes, maps) });
  }
  const licenseSec = elf.sections.find((s) => s.name === 'license');
  const license = licenseSec ? new TextDecoder().decode(licenseSec.data).split('\0')[0] : undefined;
  return {
    format: 'elf',
    programs: buildPrograms([...codes.values()]),
    maps: maps.maps,
    ...(license !== undefined ? { license } : {}),
    sections: [...codes].map(([index, code]) => codeSection(elf, bySection.get(index) ?? [], index, code)),
  };
}

/** Symbols by the index of the section that defines them (one pass, whatever the number of sections). */
function symbolsBySection(elf: ElfFile): Map<number, ElfSymbol[]> {
  const out = new Map<number, ElfSymbol[]>();
  for (const s of elf.symbols) {
    const list = out.get(s.shndx);
    if (list) list.push(s);
    else out.set(s.shndx, [s]);
  }
  return out;
}

/** Functions of a code section (`defined`: its symbols): its STT_FUNC symbols; globals outside .text are programs. */
function addFuncs(defined: readonly ElfSymbol[], code: Code): void {
  const syms = defined.filter((s) => s.type === STT.FUNC).sort((a, b) => a.value - b.value);
  const size = code.prog.slots * 8;
  syms.forEach((s, i) => {
    const end = s.size > 0 ? s.value + s.size : i + 1 < syms.length ? syms[i + 1].value : size;
    addFunc(code, s.name, s.value, end, code.name !== '.text' && s.bind !== STB.LOCAL);
  });
}

/** BTF line info (.BTF.ext) into each code section's `lines`; entries outside a section's code are refused. */
function addLineInfo(elf: ElfFile, btf: Btf | undefined, codes: Iterable<Code>): void {
  const ext = elf.sections.find((s) => s.name === '.BTF.ext');
  if (!ext || !btf) return;
  const info = parseLineInfo(ext.data, btf);
  for (const code of codes) {
    for (const { slot, line } of info.get(code.name) ?? []) {
      if (slot >= code.prog.slots || code.prog.indexOfSlot[slot] < 0)
        throw new FormatError(`.BTF.ext line info for ${code.name}: slot ${slot} is not the start of an instruction`);
      code.lines.set(slot, line);
    }
  }
}

function targetOf(elf: ElfFile, sym: ElfSymbol, codes: ReadonlyMap<number, Code>, maps: MapTable): RelocTarget {
  if (sym.shndx === SHN.UNDEF) return { kind: 'extern' };
  if (sym.shndx >= SHN.LORESERVE) return { kind: 'unsupported', why: 'an absolute or common symbol' };
  const code = codes.get(sym.shndx);
  if (code) return { kind: 'code', code, byte: sym.value };
  const map = maps.byLocation.get(`${sym.shndx}:${sym.value}`);
  if (map !== undefined) return { kind: 'map', map };
  const data = maps.dataMaps.get(sym.shndx);
  if (data !== undefined) return { kind: 'data', map: data, base: sym.value };
  const sec = elf.sections[sym.shndx];
  return { kind: 'unsupported', why: `defined in section ${sec.name}, which holds neither maps, global data nor code` };
}

/** The section as llvm-objdump shows it: functions and labels, relocations. */
function codeSection(elf: ElfFile, defined: readonly ElfSymbol[], index: number, code: Code): CodeSection {
  const symbols = defined
    .filter((s) => (s.type === STT.FUNC || s.type === STT.NOTYPE) && s.name !== '')
    .map((s) => ({ name: s.name, slot: Math.floor(s.value / 8), func: s.type === STT.FUNC }))
    .sort((a, b) => a.slot - b.slot || Number(b.func) - Number(a.func));
  const relocs = (elf.relocs.get(index) ?? []).map((r) => ({
    offset: r.offset, type: R_BPF_NAMES[r.type] ?? `R_BPF_${r.type}`, symbol: r.sym.name,
  }));
  return { name: code.name, code: code.prog, symbols, relocs };
}

export { FormatError };
