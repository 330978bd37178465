// Disassembly of a loaded object for `xdp2hw disasm`: the code sections as `llvm-objdump -d`
// (`-dr`) lists them, or programs as linked, with map names. Text lines only; no file access.

import { insnLine, symbolLines } from '../../isa/index.js';
import type { DecodedProgram } from '../../isa/index.js';
import { LoadError } from './types.js';
import type { CodeSection, LoadedObject, MapDef, Program } from './types.js';

export interface DisasmListingOptions {
  /** only this program: its function and the subprograms it calls */
  readonly program?: string;
  /** relocation lines after the instructions they apply to, as `llvm-objdump -dr` */
  readonly relocs?: boolean;
  /** programs as linked (subprograms appended, map loads named) instead of sections as in the file */
  readonly linked?: boolean;
}

/** The lines `xdp2hw disasm` prints. Throws LoadError when `program` names no program. */
export function disasmLines(obj: LoadedObject, opts: DisasmListingOptions = {}): string[] {
  let programs = obj.programs;
  if (opts.program !== undefined) {
    programs = obj.programs.filter((p) => p.name === opts.program);
    if (programs.length === 0) {
      const names = obj.programs.map((p) => p.name).join(', ') || 'none';
      throw new LoadError(obj.file, `no program named '${opts.program}' (programs: ${names})`);
    }
  }
  const lines = ['', `${obj.file}:\tfile format elf64-bpf`];
  if (opts.linked || !obj.sections) {
    for (const p of programs) append(lines, ['', `Program ${p.name} (section ${p.section || 'none'}), linked:`], linkedLines(p, obj.maps));
    return lines;
  }
  for (const sec of obj.sections) {
    const ranges = opts.program === undefined ? [{ start: 0, end: sec.code.slots }] : selectedRanges(sec, programs[0]);
    if (ranges.length === 0) continue;
    append(lines, ['', `Disassembly of section ${sec.name}:`], sectionLines(sec, ranges, opts.relocs === true));
  }
  return lines;
}

/** Appends without spreading into push(), whose argument count is bounded by the stack (a section has any number of lines). */
function append(lines: string[], ...more: string[][]): void {
  for (const m of more) for (const l of m) lines.push(l);
}

interface Range {
  readonly start: number;
  readonly end: number;
}

/** The slot ranges of a section that belong to the program: its entry function and its subprograms. */
function selectedRanges(sec: CodeSection, p: Program): Range[] {
  const funcs = sec.symbols.filter((s) => s.func);
  const subprograms = new Set(p.functions.slice(1).map((f) => f.name));
  const wanted = (name: string) => (sec.name === p.section ? name === p.name : sec.name === '.text' && subprograms.has(name));
  return funcs.flatMap((f, i) => (wanted(f.name) ? [{ start: f.slot, end: i + 1 < funcs.length ? funcs[i + 1].slot : sec.code.slots }] : []));
}

/** Symbols by slot, one per slot (functions first); the section's name at 0 when nothing is there. */
function symbolMap(sec: CodeSection): Map<number, string> {
  const m = new Map<number, string>();
  for (const s of sec.symbols) if (!m.has(s.slot)) m.set(s.slot, s.name);
  if (!m.has(0)) m.set(0, sec.name);
  return m;
}

function sectionLines(sec: CodeSection, ranges: readonly Range[], relocs: boolean): string[] {
  const symbols = symbolMap(sec);
  const relocAt = new Map<number, string[]>();
  if (relocs) {
    for (const r of sec.relocs) {
      const line = `\t\t${r.offset.toString(16).padStart(16, '0')}:  ${r.type}\t${r.symbol}`;
      relocAt.set(Math.floor(r.offset / 8), [...(relocAt.get(Math.floor(r.offset / 8)) ?? []), line]);
    }
  }
  const lines: string[] = [];
  const { insns, pcs } = sec.code;
  // ranges by start, walked along with the instructions (a program may have any number of functions)
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  let k = 0;
  for (let i = 0; i < insns.length; i++) {
    const pc = pcs[i];
    while (k < sorted.length && sorted[k].end <= pc) k++;
    if (k === sorted.length || pc < sorted[k].start) continue;
    const sym = symbols.get(pc);
    if (sym !== undefined) lines.push(...symbolLines(pc, sym));
    lines.push(insnLine(insns[i], pc, { symbols }), ...(relocAt.get(pc) ?? []));
  }
  return lines;
}

/** A linked program: function labels at their starts, map loads and kfunc calls followed by the name. */
function linkedLines(p: Program, maps: readonly MapDef[]): string[] {
  const code: DecodedProgram = p.code;
  const symbols = new Map<number, string>();
  for (const f of p.functions) if (f.start < code.insns.length) symbols.set(code.pcs[f.start], f.name);
  const lines: string[] = [];
  code.insns.forEach((insn, i) => {
    const pc = code.pcs[i];
    const sym = symbols.get(pc);
    if (sym !== undefined) lines.push(...symbolLines(pc, sym));
    const ref = p.mapRefs.get(i);
    const name = ref ? (maps[ref.map]?.name ?? `#${ref.map}`) : '';
    const kfunc = p.kfuncs?.get(i);
    const comment = kfunc !== undefined ? ` ; kfunc ${kfunc}` : !ref ? '' : ref.kind === 'fd' ? ` ; map ${name}` : ` ; &${name}[${ref.offset}]`;
    lines.push(insnLine(insn, pc, { symbols }) + comment);
  });
  return lines;
}
