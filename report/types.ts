// The figures a report shows, as plain data: what report/collect.ts measures for each program and
// what report/inputs.ts reads from sweep and synthesis files. Charts (report/charts.ts) and the
// results page (report/results-md.ts) only read these; nothing here computes.

/** How an instruction is coloured in the lane map. */
export type InsnClass = 'alu' | 'memory' | 'branch' | 'call' | 'exit' | 'lddw' | 'extended';

export interface MapCell {
  readonly cls: InsnClass;
  /** the syllable as the disassembler writes it (jump targets as rows) */
  readonly text: string;
  /** where it came from: `insn N`, or `new`, and the source line when the object has one */
  readonly source: string;
}

export interface LaneMap {
  readonly program: string;
  readonly lanes: number;
  readonly strategy: string;
  readonly rows: readonly (readonly (MapCell | null)[])[];
}

export interface RowsCell {
  readonly lanes: number;
  readonly strategy: string;
  /** null when the scheduler refused the program (`refused` says why) */
  readonly rows: number | null;
  /** syllables per row of the schedule */
  readonly ipc?: number;
  /** optimal: blocks proven minimal of all blocks */
  readonly exactBlocks?: number;
  readonly blocks?: number;
  readonly refused?: string;
}

export interface SimFigures {
  readonly packets: number;
  readonly cyclesMean: number;
  readonly cyclesP50: number;
  readonly cyclesP99: number;
  readonly cyclesMax: number;
  /** the core alone: clock / mean cycles */
  readonly coreMpps: number;
  /** through the packet path (input queue, emission) at the line rate */
  readonly pathMpps: number;
  /** first byte in to verdict or last byte out, ns */
  readonly latencyNs: { readonly min: number; readonly mean: number; readonly p50: number; readonly p99: number; readonly max: number };
  /** per packet, ns on the core from its start to its verdict (cycles × clock period) */
  readonly coreNs: readonly number[];
  /** syllables executed per busy cycle (lane utilisation × lanes) */
  readonly ipc: number;
  readonly mismatches: number;
  readonly clockMHz: number;
  readonly lanes: number;
  readonly strategy: string;
  readonly core: string;
  readonly traffic: string;
}

export type Measured<T> = T | { readonly why: string };

export const isMeasured = <T extends object>(m: Measured<T> | undefined): m is T => m !== undefined && !('why' in m);

export interface ProgramFigures {
  /** the input file and the name shown (its base name, hXDP's key) */
  readonly file: string;
  readonly name: string;
  readonly program: string;
  readonly insns: { readonly original: number; readonly optimized: number };
  /** instructions left with each pass run alone (hXDP Fig. 7 measures each optimisation on its own) */
  readonly passAlone: readonly { readonly pass: string; readonly insns: number }[];
  /** rows by lane count with the report's strategy, on the optimized program */
  readonly lanes: readonly RowsCell[];
  /** rows by strategy at the core's lane count */
  readonly strategies: readonly RowsCell[];
  readonly map?: LaneMap;
  readonly sim: Measured<SimFigures>;
  /** the kernel JIT's ns per packet (BPF_PROG_TEST_RUN), measured here, or why not */
  readonly kernelNs: Measured<{ readonly ns: number }>;
  /** the x86 model's ns per packet (simulator/simulate/cpu-model.ts) */
  readonly modelNs: number | null;
  /** why the program could not be compiled at all */
  readonly refused?: string;
}

/** One sweep point (a line of `xdp2hw sweep` output) with the fields the charts read. */
export interface SweepPoint {
  readonly program: string;
  readonly lanes: number;
  readonly strategy: string;
  readonly core: string;
  readonly clockMHz?: number;
  readonly passes?: string;
  readonly rows?: number;
  readonly insnsOriginal?: number;
  readonly insnsOptimized?: number;
  readonly cyclesMean?: number;
  readonly cyclesP99?: number;
  readonly mpps?: number;
  readonly ipc?: number;
  readonly mismatches?: number;
}

/** Synthesis figures of one design (`xdp2hw verilog --synth --json`). */
export interface SynthPoint {
  readonly file: string;
  readonly lanes?: number;
  readonly core?: string;
  readonly program?: string;
  /** the Yosys flow (xilinx: 7-series LUT6 counts; generic: Yosys's own cells, not comparable) */
  readonly flow?: string;
  readonly luts: number;
  readonly ffs: number;
  readonly brams?: number;
  readonly dsps?: number;
  readonly logicLevels?: number;
  readonly coreLuts?: number;
  readonly coreFfs?: number;
}

export interface ReportData {
  readonly title: string;
  readonly core: string;
  readonly strategy: string;
  readonly laneCounts: readonly number[];
  readonly coreLanes: number;
  readonly programs: readonly ProgramFigures[];
  readonly sweep: readonly SweepPoint[];
  /** sweep lines skipped (missing what a chart needs, or not JSON) */
  readonly sweepSkipped: number;
  readonly synth: readonly SynthPoint[];
  /** what the page says about where and when it was measured */
  readonly generated: { readonly date: string; readonly machine: string; readonly command?: string };
  /** why the kernel JIT column is empty for every program, when it is */
  readonly baseline: 'kernel' | 'model' | 'both' | 'none';
}

/** One figure of the page: its data-chart name, title, caption and svg (and an optional table). */
export interface Chart {
  readonly name: string;
  readonly title: string;
  readonly caption: string;
  readonly svg: string;
  /** extra HTML below the svg (a small table) */
  readonly extra?: string;
}
