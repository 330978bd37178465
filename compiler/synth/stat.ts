// Reads Yosys's `stat -json` output and counts resources the way hXDP's paper does: LUTs (logic
// and LUTs used as memory or shift registers), flip-flops, block RAMs in 36 Kb units (a RAMB18
// is half of one) and DSP slices. It does not run Yosys (yosys.ts) nor judge the figures.

import { SynthError } from './yosys.js';

/** Cell counts of one module as `stat -json` gives them: type → count. */
export type CellCounts = Record<string, number>;

export interface Resources {
  /** LUTs: logic LUTs plus LUTs used as memory (LUTRAM, SRL), as Vivado's "Slice LUTs" */
  luts: number;
  /** flip-flops and latches */
  ffs: number;
  /** block RAMs in RAMB36 units: RAMB36 = 1, RAMB18 = 0.5 (hXDP's Table 1 counts this way) */
  brams: number;
  /** DSP slices (DSP48E1 on 7-series) */
  dsps: number;
  /** of `luts`, those used as memory or shift registers */
  lutMemory: number;
  /** carry-chain cells (CARRY4) */
  carries: number;
  /** wide-function multiplexers (MUXF7, MUXF8) */
  muxes: number;
  /** memories Yosys kept as memories (generic flow: not mapped to any RAM), and their bits */
  memories: number;
  memoryBits: number;
  /** cells of types this counter does not know, by type (should stay empty; shown so nothing hides) */
  other: CellCounts;
}

/** The LUTs each 7-series LUT-as-memory or shift-register primitive occupies (UG474). */
const LUT_MEMORY: Record<string, number> = {
  RAM32X1S: 1, RAM32X1D: 2, RAM32M: 4, RAM64X1S: 1, RAM64X1D: 2, RAM64M: 4, RAM128X1S: 2, RAM128X1D: 4,
  RAM256X1S: 4, SRL16E: 1, SRLC16E: 1, SRLC32E: 1,
};
const FF = /^(FD[RSCP]E(_1)?|LD[CP]E|FDRE|FDSE)$|^\$_(S?DFF|DFFE|SDFFE|SDFFCE|ALDFF|ALDFFE|DFFSR|DFFSRE|DLATCH|SR)_/;
const BRAM: Record<string, number> = { RAMB18E1: 0.5, RAMB36E1: 1, FIFO18E1: 0.5, FIFO36E1: 1, RAMB18E2: 0.5, RAMB36E2: 1 };
const DSP = /^DSP48E[12]$/;
const LUT = /^LUT[1-6](_2)?$|^\$lut$/;
/** Cells that cost nothing in hXDP's accounting: constants, buffers, inverters folded into LUT pins. */
const FREE = /^(VCC|GND|BUFG|IBUF|OBUF|INV|\$scopeinfo)$/;

/** Cell counts of `module` (or of the whole design when it is flattened into one) in `stat -json` text. */
export function parseStat(json: string, module?: string): CellCounts {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    throw new SynthError(`yosys: stat -json output is not JSON (${(e as Error).message})`);
  }
  const d = doc as { modules?: Record<string, { num_cells_by_type?: CellCounts }>; design?: { num_cells_by_type?: CellCounts } };
  if (module !== undefined) {
    const m = d.modules?.[`\\${module}`] ?? d.modules?.[module];
    if (!m) throw new SynthError(`yosys: no module '${module}' in the statistics (modules: ${Object.keys(d.modules ?? {}).join(', ') || 'none'})`);
    return { ...(m.num_cells_by_type ?? {}) };
  }
  if (!d.design) throw new SynthError('yosys: stat -json output has no "design" section');
  return { ...(d.design.num_cells_by_type ?? {}) };
}

/** Resources of a netlist from its cell counts (7-series primitives, or generic `$lut` and `$_DFF_*`). */
export function countResources(cells: CellCounts): Resources {
  const r: Resources = { luts: 0, ffs: 0, brams: 0, dsps: 0, lutMemory: 0, carries: 0, muxes: 0, memories: 0, memoryBits: 0, other: {} };
  for (const [rawType, n] of Object.entries(cells)) {
    const type = rawType.startsWith('\\') ? rawType.slice(1) : rawType;
    if (LUT.test(type)) r.luts += n;
    else if (type in LUT_MEMORY) {
      r.luts += n * LUT_MEMORY[type];
      r.lutMemory += n * LUT_MEMORY[type];
    } else if (FF.test(type)) r.ffs += n;
    else if (type in BRAM) r.brams += n * BRAM[type];
    else if (DSP.test(type)) r.dsps += n;
    else if (type === 'CARRY4' || type === 'CARRY8') r.carries += n;
    else if (/^MUXF[789]$/.test(type)) r.muxes += n;
    else if (type === '$mem_v2' || type === '$mem') r.memories += n;
    else if (!FREE.test(type)) r.other[type] = (r.other[type] ?? 0) + n;
  }
  return r;
}

/** Total bits (SIZE × WIDTH) of the `$mem_v2` cells in the RTLIL `dump` text (of `module` only when given). */
export function memoryBits(dump: string, module?: string): number {
  let text = dump;
  if (module !== undefined) {
    const blocks = dump.split(/^module /m).filter((b) => b.split('\n')[0].trim().replace(/^\\/, '') === module);
    text = blocks.join('\n');
  }
  let bits = 0;
  for (const cell of text.split(/^\s*cell /m).slice(1)) {
    if (!/^\$mem(_v2)?\s/.test(cell)) continue;
    const size = /parameter \\SIZE (\d+)/.exec(cell);
    const width = /parameter \\WIDTH (\d+)/.exec(cell);
    if (size && width) bits += Number(size[1]) * Number(width[1]);
  }
  return bits;
}
