// What loading produces, whatever the input format: programs as decoded instructions, and the
// maps they use. Types only; the simulator imports these (they are not passes).

import type { DecodedProgram, Insn } from '../../isa/index.js';

/** Kernel map type names, indexed by their `enum bpf_map_type` number. */
export const MAP_TYPE_NAMES = [
  'unspec', 'hash', 'array', 'prog_array', 'perf_event_array', 'percpu_hash', 'percpu_array', 'stack_trace',
  'cgroup_array', 'lru_hash', 'lru_percpu_hash', 'lpm_trie', 'array_of_maps', 'hash_of_maps', 'devmap', 'sockmap',
  'cpumap', 'xskmap', 'sockhash', 'cgroup_storage', 'reuseport_sockarray', 'percpu_cgroup_storage', 'queue', 'stack',
  'sk_storage', 'devmap_hash', 'struct_ops', 'ringbuf', 'inode_storage', 'task_storage', 'bloom_filter',
  'user_ringbuf', 'cgrp_storage', 'arena',
] as const;
export type MapTypeName = (typeof MAP_TYPE_NAMES)[number];

export interface MapDef {
  /** the map's name in the object (variable or symbol; `.rodata`, `.data`, `.bss` for global data) */
  readonly name: string;
  readonly type: MapTypeName;
  /** the kernel's `enum bpf_map_type` number */
  readonly typeId: number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags: number;
  /** map-in-map: the inner map's definition */
  readonly innerMap?: MapDef;
  /** global data maps: the section's initial contents (.bss: zeros) */
  readonly initial?: Uint8Array;
  /** the ELF section the definition came from (`.maps`, `maps`, `.rodata`, ...) */
  readonly section?: string;
}

/** An lddw that loads a map's address (or an address inside its value). */
export interface MapRef {
  /** index into LoadedObject.maps */
  readonly map: number;
  /** 'fd': the map itself (BPF_PSEUDO_MAP_FD); 'value': an address in its value (global data) */
  readonly kind: 'fd' | 'value';
  /** byte offset inside the value, for 'value' */
  readonly offset: number;
}

/** A program's type, from its section name as libbpf derives it (progtype.ts). */
export type ProgramType =
  | {
    readonly kind: 'xdp';
    /** expected_attach_type: BPF_XDP, BPF_XDP_DEVMAP (may read egress_ifindex), BPF_XDP_CPUMAP */
    readonly attach: 'xdp' | 'devmap' | 'cpumap';
    /** xdp.frags: multi-buffer aware (BPF_F_XDP_HAS_FRAGS) */
    readonly frags: boolean;
    /** libbpf 1.x knows the section name (else a loader must be told the type) */
    readonly libbpf: boolean;
  }
  /** any other type, by the kernel's name ('sched_cls', 'kprobe', 'tracing', ... or 'unknown') */
  | { readonly kind: 'other'; readonly type: string; readonly libbpf: boolean };

/** A function of a program: the entry, or a subprogram reached by BPF-to-BPF calls. */
export interface FunctionInfo {
  readonly name: string;
  /** index into Program.insns of its first instruction */
  readonly start: number;
}

/** A source position from BTF line info (.BTF.ext), as `llvm-objdump -S` shows it. */
export interface SourceLine {
  readonly file: string;
  /** 1-based line number; 0 for code the compiler made (no line of the source, empty text) */
  readonly line: number;
  /** 1-based column, 0 when unknown */
  readonly col: number;
  /** the text of the source line, as the object keeps it */
  readonly text: string;
}

export interface Program {
  /** the entry function's name (objdump listings and raw files: from the file or section name) */
  readonly name: string;
  /** the ELF section ("xdp", "xdp/foo"); "" when the input has none */
  readonly section: string;
  /** from the section (progtype.ts); absent (hand-built programs): plain XDP */
  readonly type?: ProgramType;
  /**
   * The entry function followed by every subprogram it calls, linked as libbpf lays them out
   * (call-local offsets point at the appended copies). Jumps are slot-relative as encoded.
   */
  readonly code: DecodedProgram;
  /** functions in `code`, entry first */
  readonly functions: readonly FunctionInfo[];
  /**
   * lddw instructions (by index into code.insns) that load a map. Loaders rewrite each such lddw
   * as the kernel's map-index forms: pseudo MAP_IDX (lo = map index) or MAP_IDX_VALUE (lo = map
   * index, hi = offset in the value).
   */
  readonly mapRefs: ReadonlyMap<number, MapRef>;
  /** kfunc calls (by index into code.insns): the kernel function each calls, by name */
  readonly kfuncs?: ReadonlyMap<number, string>;
  /**
   * BTF line info (ELF objects built with -g): the instructions (by index into code.insns) where
   * a source line starts; an instruction without an entry belongs to the entry before it in its
   * function. Absent when the input has no .BTF.ext line info.
   */
  readonly lines?: ReadonlyMap<number, SourceLine>;
}

export type InputFormat = 'elf' | 'raw' | 'objdump';

/** A symbol of a code section as the file names it: a function or a jump label (LBB0_2). */
export interface SectionSymbol {
  readonly name: string;
  /** slot index in the section */
  readonly slot: number;
  /** a function (STT_FUNC) rather than a label */
  readonly func: boolean;
}

/** A relocation of a code section as the file gives it (what `llvm-objdump -dr` prints). */
export interface SectionReloc {
  /** byte offset in the section */
  readonly offset: number;
  /** 'R_BPF_64_64', 'R_BPF_64_32', ... */
  readonly type: string;
  readonly symbol: string;
}

/**
 * A code section before linking, as `llvm-objdump -d` shows it: instructions as in the file
 * (map loads still `r1 = 0 ll`, calls not yet relocated), its symbols and relocations.
 */
export interface CodeSection {
  readonly name: string;
  readonly code: DecodedProgram;
  readonly symbols: readonly SectionSymbol[];
  readonly relocs: readonly SectionReloc[];
}

export interface LoadedObject {
  readonly file: string;
  readonly format: InputFormat;
  readonly programs: readonly Program[];
  readonly maps: readonly MapDef[];
  readonly license?: string;
  /** the code sections as in the file, for disassembly (ELF and listings; absent for raw bytecode) */
  readonly sections?: readonly CodeSection[];
}

/** A bad input: printed as one line, "<file>: [instruction N: ]<why>". */
export class LoadError extends Error {
  constructor(
    readonly file: string,
    readonly why: string,
    /** the instruction (slot) index where it applies */
    readonly index?: number,
  ) {
    super(`${file}: ${index !== undefined ? `instruction ${index}: ` : ''}${why}`);
    this.name = 'LoadError';
  }
}

export type { Insn };
