// What `xdp2hw info` reports about a loaded object: per program its instruction counts, helpers,
// maps and the ISA features it uses; the maps with kernel type names. Data only, no printing.

import { helperName } from '../../isa/helpers.js';
import { Pseudo } from '../../isa/index.js';
import type { Insn } from '../../isa/index.js';
import type { LoadedObject, MapDef, Program } from './types.js';

/** The ISA features `info` can name, in the order it lists them. */
export const FEATURES = [
  'alu32', 'jmp32', 'atomics', 'bpf-to-bpf calls', 'callx', 'lddw map', 'global data', 'lddw imm64', 'function pointers',
  'v4: sdiv/smod', 'v4: movsx', 'v4: ldsx', 'v4: bswap', 'v4: gotol', 'legacy packet loads', 'tail calls', 'kfunc calls',
  'xdp2hw extensions',
] as const;
export type Feature = (typeof FEATURES)[number];

/** helper id of bpf_tail_call */
const TAIL_CALL = 12;

export interface ProgramSummary {
  readonly name: string;
  readonly section: string;
  /** 'xdp' for XDP sections (xdp, xdp/..., xdp.frags...), else the section's first word */
  readonly type: string;
  /** instructions of the entry function, an lddw counted once (what llvm-objdump lists under it) */
  readonly insns: number;
  /** instructions with the subprograms it calls appended (what the kernel is given) */
  readonly totalInsns: number;
  /** 8-byte slots of the linked program (lddw counts twice) */
  readonly slots: number;
  /** the subprograms, in the order they are appended */
  readonly subprograms: readonly string[];
  /** helpers called (the entry and its subprograms), by C name, in id order */
  readonly helpers: readonly string[];
  /** their ids, in the same order */
  readonly helperIds: readonly number[];
  /** names of the maps it references */
  readonly maps: readonly string[];
  readonly features: readonly Feature[];
}

export interface MapSummary {
  readonly name: string;
  readonly type: string;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags: number;
  readonly innerMap?: MapSummary;
}

export interface ObjectSummary {
  readonly file: string;
  readonly format: string;
  readonly license?: string;
  readonly programs: readonly ProgramSummary[];
  readonly maps: readonly MapSummary[];
}

function isXdpSection(section: string): boolean {
  return /^xdp($|[/.])/.test(section);
}

function programType(section: string): string {
  if (isXdpSection(section)) return 'xdp';
  return section.split(/[/.]/)[0] || 'unknown';
}

export function summarize(obj: LoadedObject): ObjectSummary {
  return {
    file: obj.file,
    format: obj.format,
    ...(obj.license !== undefined ? { license: obj.license } : {}),
    programs: obj.programs.map((p) => summarizeProgram(p, obj.maps)),
    maps: obj.maps.map(mapSummary),
  };
}

function mapSummary(m: MapDef): MapSummary {
  const s = { name: m.name, type: m.type, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.flags };
  return m.innerMap ? { ...s, innerMap: mapSummary(m.innerMap) } : s;
}

function summarizeProgram(p: Program, maps: readonly MapDef[]): ProgramSummary {
  const insns = p.code.insns;
  const entryEnd = p.functions.length > 1 ? p.functions[1].start : insns.length;
  const helpers = new Set<number>();
  const features = new Set<Feature>();
  insns.forEach((insn, i) => {
    if (insn.kind === 'call' && insn.target === 'helper') helpers.add(insn.id);
    for (const f of featuresOf(insn, p.mapRefs.has(i))) features.add(f);
  });
  for (const ref of p.mapRefs.values()) features.add(ref.kind === 'fd' ? 'lddw map' : 'global data');
  const helperIds = [...helpers].sort((a, b) => a - b);
  const mapNames = [...new Set([...p.mapRefs.values()].map((r) => maps[r.map]?.name ?? `#${r.map}`))];
  return {
    name: p.name, section: p.section, type: programType(p.section), insns: entryEnd, totalInsns: insns.length, slots: p.code.slots,
    subprograms: p.functions.slice(1).map((f) => f.name),
    helpers: helperIds.map(helperName),
    helperIds,
    maps: mapNames,
    features: FEATURES.filter((f) => features.has(f)),
  };
}

function featuresOf(insn: Insn, isMapRef: boolean): Feature[] {
  switch (insn.kind) {
    case 'alu': {
      const f: Feature[] = insn.width === 32 ? ['alu32'] : [];
      if (insn.op === 'sdiv' || insn.op === 'smod') f.push('v4: sdiv/smod');
      if (insn.op === 'movsx') f.push('v4: movsx');
      return f;
    }
    case 'end': return insn.order === 'bswap' ? ['v4: bswap'] : [];
    case 'jmp': return insn.width === 32 ? ['jmp32'] : [];
    case 'ja': return insn.wide ? ['v4: gotol'] : [];
    case 'call':
      if (insn.target === 'kfunc') return ['kfunc calls'];
      return insn.id === TAIL_CALL ? ['tail calls'] : [];
    case 'call-local': return ['bpf-to-bpf calls'];
    case 'callx': return ['callx'];
    case 'lddw':
      if (isMapRef) return [];
      return insn.pseudo === Pseudo.FUNC ? ['function pointers'] : insn.pseudo === Pseudo.IMM64 ? ['lddw imm64'] : [];
    case 'ldx': return insn.signed ? ['v4: ldsx'] : [];
    case 'atomic': return ['atomics'];
    case 'ld-abs': case 'ld-ind': return ['legacy packet loads'];
    case 'exit-imm': case 'ldx6': case 'stx6': case 'alu3': case 'jlen': return ['xdp2hw extensions'];
    case 'exit': case 'st': case 'stx': return [];
  }
}
