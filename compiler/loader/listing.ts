// llvm-objdump text listings (`-d`, `-dr`, `-S`; the form hXDP's compiler read): section headers,
// `<symbol>:` lines and the instruction bytes, which are decoded (the instruction text is ignored).
// Map definitions are not in a listing: referenced maps get type 'unspec' and sizes 0.

import { branchTarget, Pseudo } from '../../isa/index.js';
import { FormatError } from './bytes.js';
import { R_BPF } from './elf.js';
import { dataMapDef, isDataSectionName } from './maps.js';
import { addFunc, addReloc, buildPrograms, decodeCode } from './relocate.js';
import type { Code, RelocTarget } from './relocate.js';
import type { CodeSection, LoadedObject, MapDef, SectionReloc, SectionSymbol } from './types.js';

const SECTION_RE = /^Disassembly of section (.+):\s*$/;
const LABEL_RE = /^([0-9a-f]{1,16}) <(.+)>:\s*$/;
const INSN_RE = /^\s*(\d+):\s+((?:[0-9a-f]{2}\s+){7}[0-9a-f]{2}(?:\s+(?:[0-9a-f]{2}\s+){7}[0-9a-f]{2})?)(?:\s|$)/;
const INSN_NO_BYTES_RE = /^\s*\d+:\s+(?:r\d|w\d|if |goto|call|exit|\*\(|lock|gotol|ld_pseudo)/;
const RELOC_RE = /^\s+([0-9a-f]{1,16}):\s+(R_BPF_\w+)\s+(\S+)/;
const RELOC_TYPES: Readonly<Record<string, number>> = { R_BPF_64_64: R_BPF.R64_64, R_BPF_64_32: R_BPF.R64_32 };

/** Whether text is an llvm-objdump listing of BPF code. */
export function looksLikeListing(text: string): boolean {
  if (/file format elf64-bpf|^Disassembly of section /m.test(text)) return true;
  return text.split('\n', 200).some((l) => INSN_RE.test(l));
}

interface ParsedSection {
  readonly name: string;
  readonly slots: Uint8Array[];
  readonly symbols: SectionSymbol[];
  readonly relocs: SectionReloc[];
}

function parseLines(text: string): ParsedSection[] {
  const sections: ParsedSection[] = [];
  let cur: ParsedSection | undefined;
  const section = (): ParsedSection => {
    if (!cur) sections.push((cur = { name: '', slots: [], symbols: [], relocs: [] }));
    return cur;
  };
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const where = `line ${i + 1}`;
    if (/^\s*;/.test(line) || line.trim() === '') return;
    let m: RegExpExecArray | null;
    if ((m = SECTION_RE.exec(line))) {
      if (sections.some((s) => s.name === m![1])) throw new FormatError(`${where}: section ${m[1]} appears twice`);
      sections.push((cur = { name: m[1], slots: [], symbols: [], relocs: [] }));
    } else if ((m = LABEL_RE.exec(line))) {
      const addr = parseInt(m[1], 16);
      if (addr % 8 !== 0) throw new FormatError(`${where}: symbol ${m[2]} at ${m[1]} is not on an instruction boundary`);
      const s = section();
      s.symbols.push({ name: m[2], slot: addr / 8, func: isFunctionName(m[2], s.name) });
    } else if ((m = INSN_RE.exec(line))) {
      const pc = Number(m[1]);
      const bytes = m[2].trim().split(/\s+/).map((b) => parseInt(b, 16));
      const s = section();
      if (pc !== s.slots.length) throw new FormatError(`${where}: instruction ${pc} follows instruction ${s.slots.length - 1}: the listing skips or repeats instructions`);
      for (let o = 0; o < bytes.length; o += 8) s.slots.push(Uint8Array.from(bytes.slice(o, o + 8)));
    } else if ((m = RELOC_RE.exec(line))) {
      section().relocs.push({ offset: parseInt(m[1], 16), type: m[2], symbol: m[3] });
    } else if (INSN_NO_BYTES_RE.test(line)) {
      throw new FormatError(`${where}: an instruction without its bytes (list with llvm-objdump -d, without --no-show-raw-insn)`);
    }
  });
  return sections.filter((s) => s.slots.length > 0);
}

/** Jump labels (LBB0_2, .LBB0_2) and section symbols are not functions. */
function isFunctionName(name: string, section: string): boolean {
  return !/^\.?LBB\d+_\d+$/.test(name) && !name.startsWith('.L') && name !== section;
}

export function loadListing(text: string, fileName: string): Omit<LoadedObject, 'file'> {
  const parsed = parseLines(text);
  if (parsed.length === 0) throw new FormatError('the listing has no instructions');
  const codes = parsed.map((p) => {
    const bytes = new Uint8Array(p.slots.length * 8);
    p.slots.forEach((s, i) => bytes.set(s, i * 8));
    return decodeCode(p.name, bytes);
  });
  codes.forEach((code, i) => addFuncs(code, parsed[i], fileName));
  const maps: MapDef[] = [];
  const hasRelocs = parsed.some((p) => p.relocs.length > 0);
  const fdMaps = new Map<number, number>();
  codes.forEach((code, i) => fdMapLoads(code, parsed[i], maps, fdMaps));
  codes.forEach((code, i) => {
    if (hasRelocs) for (const r of parsed[i].relocs) addListedReloc(code, r, codes, maps);
    else guessRelocs(code, codes, maps);
  });
  const sections: CodeSection[] = codes.map((c, i) => ({ name: c.name, code: c.prog, symbols: parsed[i].symbols, relocs: parsed[i].relocs }));
  return { format: 'objdump', programs: buildPrograms(codes), maps, sections };
}

/** Functions from the `<name>:` lines; a section without any is one function named after it. */
function addFuncs(code: Code, p: ParsedSection, fileName: string): void {
  const funcs = p.symbols.filter((s) => s.func).sort((a, b) => a.slot - b.slot);
  const entry = code.name !== '.text';
  if (funcs.length === 0 || funcs[0].slot !== 0) addFunc(code, code.name || fileName, 0, (funcs[0]?.slot ?? code.prog.slots) * 8, entry);
  funcs.forEach((f, i) => addFunc(code, f.name, f.slot * 8, (i + 1 < funcs.length ? funcs[i + 1].slot : code.prog.slots) * 8, entry));
}

function addListedReloc(code: Code, r: SectionReloc, codes: readonly Code[], maps: MapDef[]): void {
  const type = RELOC_TYPES[r.type] ?? -1;
  if (type < 0) throw new FormatError(`unknown relocation type ${r.type} against symbol '${r.symbol}' (section ${code.name})`, Math.floor(r.offset / 8));
  addReloc(code, r.offset, { type, symbol: r.symbol, target: targetOf(r.symbol, type, codes, maps) });
}

/** A symbol by name: a code section or function, a global data section, or else a map. */
function targetOf(symbol: string, type: number, codes: readonly Code[], maps: MapDef[]): RelocTarget {
  const code = codeSymbols(codes).get(symbol);
  if (code) return code;
  if (type !== R_BPF.R64_64) return { kind: 'extern' }; // a kfunc, or a function the listing leaves out
  const data = isDataSectionName(symbol);
  let map = maps.findIndex((m) => m.name === symbol);
  if (map < 0) {
    map = maps.length;
    maps.push(data ? dataMapDef(symbol, 0) : unknownMap(symbol)); // a listing does not give the value's size
  }
  return data ? { kind: 'data', map, base: 0 } : { kind: 'map', map };
}

const symbolIndex = new WeakMap<readonly Code[], Map<string, RelocTarget>>();

/** Code sections and functions by name (the first of a name wins). */
function codeSymbols(codes: readonly Code[]): Map<string, RelocTarget> {
  let m = symbolIndex.get(codes);
  if (!m) {
    m = new Map();
    for (const c of codes) {
      if (!m.has(c.name)) m.set(c.name, { kind: 'code', code: c, byte: 0 });
      for (const f of c.funcs) if (!m.has(f.name)) m.set(f.name, { kind: 'code', code: c, byte: f.start * 8 });
    }
    symbolIndex.set(codes, m);
  }
  return m;
}

function unknownMap(name: string): MapDef {
  return { name, type: 'unspec', typeId: 0, keySize: 0, valueSize: 0, maxEntries: 0, flags: 0 };
}

/**
 * Map loads by fd, as BCC's listings show them (`ld_pseudo r1, 1, <fd>`: BPF_PSEUDO_MAP_FD with the
 * fd in imm) and no relocation: an unnamed map per fd, named `<section>:<instruction>` after its
 * first load, as other unrelocated map loads are.
 */
function fdMapLoads(code: Code, p: ParsedSection, maps: MapDef[], fdMaps: Map<number, number>): void {
  const relocated = new Set(p.relocs.map((r) => Math.floor(r.offset / 8)));
  code.prog.insns.forEach((insn, i) => {
    const slot = code.prog.pcs[i];
    if (insn.kind !== 'lddw' || insn.pseudo !== Pseudo.MAP_FD || relocated.has(slot)) return;
    let map = fdMaps.get(insn.lo);
    if (map === undefined) {
      fdMaps.set(insn.lo, (map = maps.length));
      maps.push(unknownMap(`${code.name}:${slot}`));
    }
    addReloc(code, slot * 8, { type: R_BPF.R64_64, symbol: `fd ${insn.lo >>> 0}`, target: { kind: 'map', map } });
  });
}

/**
 * A listing without relocation lines (`-d`, `-S`): a call outside .text whose target is not a
 * function of its own section goes to .text, relative to its start (what clang writes for static
 * functions); `call -1` (clang's placeholder for a global function) cannot be resolved. Every
 * `lddw 0` is a relocated address, taken as a map of its own named `<section>:<instruction>`.
 */
function guessRelocs(code: Code, codes: readonly Code[], maps: MapDef[]): void {
  const text = codes.find((c) => c.name === '.text');
  code.prog.insns.forEach((insn, i) => {
    const slot = code.prog.pcs[i];
    if (insn.kind === 'call-local') {
      if (insn.off === -1)
        throw new FormatError('call -1 is a relocation placeholder whose target a listing without relocations does not give (list with llvm-objdump -dr)', slot);
      const target = branchTarget(insn, slot);
      if (text && code !== text && !code.funcs.some((f) => f.start === target))
        addReloc(code, slot * 8, { type: R_BPF.R64_32, symbol: '.text', target: { kind: 'code', code: text, byte: 0 } });
    } else if (insn.kind === 'lddw' && insn.pseudo === Pseudo.IMM64 && insn.lo === 0 && insn.hi === 0) {
      const name = `${code.name}:${slot}`;
      addReloc(code, slot * 8, { type: R_BPF.R64_64, symbol: name, target: { kind: 'map', map: maps.length } });
      maps.push(unknownMap(name));
    }
  });
}
