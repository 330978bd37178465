// Linking programs from decoded code sections, whatever the input format: map and global-data
// relocations become map-index lddws with MapRefs, and the subprograms a program calls are
// appended and their call offsets fixed, as libbpf lays them out. Knows no file format.

import { branchOffset, branchTarget, decodeProgram, IsaError, layoutProgram, Pseudo } from '../../isa/index.js';
import type { DecodedProgram, Insn, LddwInsn } from '../../isa/index.js';
import { FormatError } from './bytes.js';
import { R_BPF, R_BPF_NAMES } from './elf.js';
import { programTypeOf } from './progtype.js';
import type { FunctionInfo, MapRef, Program, SourceLine } from './types.js';

/** What a relocation's symbol is, once the input format has looked it up. */
export type RelocTarget =
  /** a map definition: the lddw loads the map */
  | { readonly kind: 'map'; readonly map: number }
  /** a global data section's map: the lddw loads an address at base + imm inside its value */
  | { readonly kind: 'data'; readonly map: number; readonly base: number }
  /** a place in a code section: a call or function-address target at byte + imm */
  | { readonly kind: 'code'; readonly code: Code; readonly byte: number }
  /** a symbol the object does not define: a call to it is a kfunc call (extern ... __ksym) */
  | { readonly kind: 'extern' }
  /** anything else; `why` says what it is */
  | { readonly kind: 'unsupported'; readonly why: string };

export interface Reloc {
  readonly type: number;
  readonly symbol: string;
  readonly target: RelocTarget;
}

/** A code section, decoded once. */
export interface Code {
  readonly name: string;
  readonly prog: DecodedProgram;
  /** relocations by slot; filled in by the format once every section is decoded */
  readonly relocs: Map<number, Reloc>;
  readonly funcs: Func[];
  /** BTF line info by slot: where a source line starts (filled by the format when it has any) */
  readonly lines: Map<number, SourceLine>;
}

export interface Func {
  readonly name: string;
  readonly code: Code;
  readonly start: number;
  /** one past the last slot */
  readonly end: number;
  /** a program entry (global, outside .text) rather than a subprogram */
  readonly entry: boolean;
}

/** Decodes a code section; IsaError becomes a FormatError naming the section and slot. */
export function decodeCode(name: string, bytes: Uint8Array): Code {
  if (bytes.length % 8 !== 0) throw new FormatError(`code section ${name} is ${bytes.length} bytes, not a whole number of instructions`);
  let prog: DecodedProgram;
  try {
    prog = decodeProgram(bytes);
  } catch (e) {
    if (e instanceof IsaError) throw new FormatError(name ? `${e.why} (section ${name})` : e.why, e.index);
    throw e;
  }
  return { name, prog, relocs: new Map(), funcs: [], lines: new Map() };
}

/** Adds a function of `code` from its byte range, checking it covers whole instructions. */
export function addFunc(code: Code, name: string, startByte: number, endByte: number, entry: boolean): void {
  const start = startByte / 8;
  const end = endByte / 8;
  if (!Number.isInteger(start) || !Number.isInteger(end) || end > code.prog.slots || end < start)
    throw new FormatError(`function ${name} (bytes ${startByte}..${endByte}) is not a whole range of instructions in section ${code.name}`);
  if (start < code.prog.slots && code.prog.indexOfSlot[start] < 0) throw new FormatError(`function ${name} starts inside an lddw`, start);
  if (end < code.prog.slots && code.prog.indexOfSlot[end] < 0) throw new FormatError(`function ${name} ends inside an lddw`, end - 1);
  code.funcs.push({ name, code, start, end, entry });
}

/** Adds a relocation at byte `offset`, which must be the start of an instruction. */
export function addReloc(code: Code, offset: number, reloc: Reloc): void {
  const slot = offset / 8;
  if (!Number.isInteger(slot) || slot >= code.prog.slots || code.prog.indexOfSlot[slot] < 0)
    throw new FormatError(`relocation at byte ${offset} of section ${code.name} does not point at an instruction`, Math.floor(slot));
  if (code.relocs.has(slot)) throw new FormatError(`two relocations for one instruction (section ${code.name})`, slot);
  code.relocs.set(slot, reloc);
}

/** The kernel's limit on a program's instructions (BPF_COMPLEXITY_LIMIT_INSNS); linked programs may not exceed it. */
export const MAX_PROGRAM_SLOTS = 1_000_000;
/** All linked programs of one object together. */
export const MAX_OBJECT_SLOTS = 4_000_000;

/** Every program: the entry functions, each linked with the subprograms it calls. */
export function buildPrograms(codes: readonly Code[]): Program[] {
  const programs: Program[] = [];
  let total = 0;
  for (const c of codes) funcIndex.delete(c);
  for (const c of codes) {
    for (const f of c.funcs) {
      if (!f.entry) continue;
      const p = link(f);
      total += p.code.slots;
      if (total > MAX_OBJECT_SLOTS) throw new FormatError(`the linked programs exceed ${MAX_OBJECT_SLOTS} instructions in all`);
      programs.push(p);
    }
  }
  return programs;
}

/** Functions by start slot, per code section; built on first use, once every function is added. */
const funcIndex = new WeakMap<Code, Map<number, Func>>();

/** The function of `code` that starts at `slot`. */
function funcAt(code: Code, slot: number): Func | undefined {
  let m = funcIndex.get(code);
  if (!m) {
    m = new Map();
    for (const f of code.funcs) if (!m.has(f.start)) m.set(f.start, f);
    funcIndex.set(code, m);
  }
  return m.get(slot);
}

/** A function placed in the linked program at slot `base`, with its relocated instructions. */
interface Piece {
  readonly func: Func;
  readonly base: number;
  readonly insns: Insn[];
  readonly refs: [number, MapRef][];
  /** kfunc calls: index into insns → the kernel function's name */
  readonly kfuncs: [number, string][];
}

/** The linked slot of a function, placing it after the others if it is not placed yet. */
type Place = (f: Func) => number;

/**
 * Links a program as libbpf does: a called subprogram is appended when its first call is met and
 * relocated at once, before the rest of its caller (depth first). An explicit stack, not
 * recursion; each function is placed at most once, so this ends.
 */
function link(entry: Func): Program {
  const pieces: Piece[] = [];
  const placed = new Map<Func, Piece>();
  const stack: { piece: Piece; next: number }[] = [];
  let slots = 0;
  const place: Place = (f) => {
    const known = placed.get(f);
    if (known) return known.base;
    const piece: Piece = { func: f, base: slots, insns: [], refs: [], kfuncs: [] };
    pieces.push(piece);
    placed.set(f, piece);
    slots += f.end - f.start;
    if (slots > MAX_PROGRAM_SLOTS) throw new FormatError(`program ${entry.name} exceeds ${MAX_PROGRAM_SLOTS} instructions once its subprograms are appended`);
    stack.push({ piece, next: f.start < f.code.prog.slots ? f.code.prog.indexOfSlot[f.start] : -1 });
    return piece.base;
  };
  place(entry);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const { func, base, insns, refs, kfuncs } = top.piece;
    const prog = func.code.prog;
    if (top.next < 0 || top.next >= prog.insns.length || prog.pcs[top.next] >= func.end) {
      stack.pop();
      continue;
    }
    const i = top.next++;
    const site: Site = { func, slot: prog.pcs[i], at: base + prog.pcs[i] - func.start, base };
    const record = { map: (ref: MapRef) => refs.push([insns.length, ref]), kfunc: (name: string) => kfuncs.push([insns.length, name]) };
    insns.push(relocateInsn(prog.insns[i], site, place, record));
  }
  const functions: FunctionInfo[] = [];
  const mapRefs = new Map<number, MapRef>();
  const kfuncs = new Map<number, string>();
  const lines = new Map<number, SourceLine>();
  const all: Insn[] = [];
  for (const p of pieces) {
    functions.push({ name: p.func.name, start: all.length });
    for (const [i, ref] of p.refs) mapRefs.set(all.length + i, ref);
    for (const [i, name] of p.kfuncs) kfuncs.set(all.length + i, name);
    addLines(p, all.length, lines);
    for (const insn of p.insns) all.push(insn);
  }
  return {
    name: entry.name, section: entry.code.name, type: programTypeOf(entry.code.name), code: layoutProgram(all), functions, mapRefs,
    ...(lines.size > 0 ? { lines } : {}), ...(kfuncs.size > 0 ? { kfuncs } : {}),
  };
}

/** The line info of a placed function, by linked instruction index (`first` = index of its first instruction). */
function addLines(p: Piece, first: number, out: Map<number, SourceLine>): void {
  const { code, start } = p.func;
  if (code.lines.size === 0) return;
  const from = code.prog.indexOfSlot[start];
  for (let i = 0; i < p.insns.length; i++) {
    const line = code.lines.get(code.prog.pcs[from + i]);
    if (line) out.set(first + i, line);
  }
}

interface Site {
  readonly func: Func;
  /** the instruction's slot in its section */
  readonly slot: number;
  /** its slot in the linked program */
  readonly at: number;
  /** the linked slot of the function's first instruction */
  readonly base: number;
}

interface Record {
  map(r: MapRef): void;
  kfunc(name: string): void;
}

function relocateInsn(insn: Insn, s: Site, place: Place, record: Record): Insn {
  const code = s.func.code;
  const reloc = code.relocs.get(s.slot);
  if (!reloc) {
    if (insn.kind === 'call-local') return { kind: 'call-local', off: branchOffset(s.at, callTarget(code, branchTarget(insn, s.slot)!, s, place)) };
    if (insn.kind === 'lddw' && insn.pseudo !== Pseudo.IMM64)
      throw new FormatError(`lddw with pseudo source ${insn.pseudo} and no relocation (section ${code.name})`, s.slot);
    return insn;
  }
  const tname = R_BPF_NAMES[reloc.type] ?? 'unknown';
  const t = reloc.target;
  if (reloc.type === R_BPF.R64_64) {
    if (insn.kind !== 'lddw') throw new FormatError(`${tname} relocation on a ${insn.kind} instruction, expected lddw (section ${code.name})`, s.slot);
    return relocateLddw(insn, reloc, s, place, record.map);
  }
  if (reloc.type !== R_BPF.R64_32)
    throw new FormatError(`unknown relocation type ${reloc.type} (${tname}) against symbol '${reloc.symbol}' (section ${code.name})`, s.slot);
  // clang writes a call to an extern function as `call -1` (src 1); libbpf makes it a kfunc call
  const call = insn.kind === 'call-local' || (insn.kind === 'call' && insn.target === 'kfunc');
  if (call && t.kind === 'extern') {
    record.kfunc(reloc.symbol);
    return { kind: 'call', target: 'kfunc', id: 0 };
  }
  if (insn.kind === 'call' && insn.target === 'kfunc')
    throw new FormatError(`kfunc call relocated against symbol '${reloc.symbol}', which the object defines`, s.slot);
  if (insn.kind !== 'call-local')
    throw new FormatError(`${tname} relocation on a ${insn.kind} instruction, expected a BPF-to-BPF call (section ${code.name})`, s.slot);
  if (t.kind === 'unsupported') throw new FormatError(`call relocation against symbol '${reloc.symbol}': ${t.why}`, s.slot);
  if (t.kind === 'extern') throw new FormatError(`call relocation against symbol '${reloc.symbol}': not defined in this object`, s.slot);
  if (t.kind !== 'code' || t.code.name !== '.text' || t.byte % 8 !== 0)
    throw new FormatError(`call relocation against symbol '${reloc.symbol}', which is not a function in .text`, s.slot);
  return { kind: 'call-local', off: branchOffset(s.at, callTarget(t.code, branchTarget(insn, t.byte / 8)!, s, place)) };
}

/** The linked slot of `slot` in section `target`, placing the function that starts there if needed. */
function callTarget(target: Code, slot: number, s: Site, place: Place): number {
  if (target === s.func.code && slot >= s.func.start && slot < s.func.end) return s.base + slot - s.func.start;
  const f = funcAt(target, slot);
  if (!f) throw new FormatError(`call target: instruction ${slot} of section ${target.name} is not the start of a function`, s.slot);
  if (f.entry && f !== s.func) throw new FormatError(`call to ${f.name}, a program of section ${target.name}: only .text functions can be called`, s.slot);
  return place(f) + slot - f.start;
}

function relocateLddw(insn: LddwInsn, reloc: Reloc, s: Site, place: Place, ref: (r: MapRef) => void): Insn {
  const t = reloc.target;
  const imm = insn.lo | 0;
  switch (t.kind) {
    case 'map':
      // BCC's listings: imm is the map's fd (BPF_PSEUDO_MAP_FD), not an offset
      if (imm !== 0 && insn.pseudo !== Pseudo.MAP_FD) throw new FormatError(`map reference ${reloc.symbol} has a non-zero offset ${imm}`, s.slot);
      ref({ map: t.map, kind: 'fd', offset: 0 });
      return { kind: 'lddw', dst: insn.dst, pseudo: Pseudo.MAP_IDX, lo: t.map, hi: 0 };
    case 'data': {
      const offset = t.base + imm;
      if (offset < 0) throw new FormatError(`global data reference ${reloc.symbol}${imm} lies before its section`, s.slot);
      ref({ map: t.map, kind: 'value', offset });
      return { kind: 'lddw', dst: insn.dst, pseudo: Pseudo.MAP_IDX_VALUE, lo: t.map, hi: offset >>> 0 };
    }
    case 'code': {
      // the address of a subprogram (a callback): the symbol's byte offset plus imm in bytes, as libbpf reads it
      const byte = t.byte + imm;
      if (t.code.name !== '.text' || byte % 8 !== 0)
        throw new FormatError(`function address ${reloc.symbol}+${imm} is not an instruction of .text`, s.slot);
      const off = branchOffset(s.at, callTarget(t.code, byte / 8, s, place));
      return { kind: 'lddw', dst: insn.dst, pseudo: Pseudo.FUNC, lo: off >>> 0, hi: 0 };
    }
    case 'unsupported':
      throw new FormatError(`relocation against symbol '${reloc.symbol}': ${t.why}`, s.slot);
    case 'extern':
      throw new FormatError(`relocation against symbol '${reloc.symbol}': not defined in this object (extern variables, __ksym or __kconfig, are not supported)`, s.slot);
  }
}
