// The Yosys scripts xdp2hw runs: read the design once, then for each module asked for (the whole
// top, the core alone) synthesize it flattened, write its statistics and its longest
// combinational path. Two flows: `xilinx` (synth_xilinx for 7-series: LUT6, CARRY4, RAMB18/36,
// DSP48E1) and `generic` (Yosys's `synth -lut 6` without memory_map: technology-free 6-input
// LUTs, memories left as memories and reported in bits).

export type SynthFlow = 'xilinx' | 'generic';
export const SYNTH_FLOWS: readonly SynthFlow[] = ['xilinx', 'generic'];

export interface ScriptTarget {
  /** the module to synthesize as top */
  module: string;
  /** file-name prefix of its outputs (`<key>.stat.json`, `<key>.ltp.txt`, ...) */
  key: string;
}

/** A Verilog file name Yosys reads literally (no spaces nor quotes: the emitter's names). */
function quoted(file: string): string {
  if (/[\s"]/.test(file)) throw new Error(`a Verilog file name Yosys cannot read: ${JSON.stringify(file)}`);
  return file;
}

/**
 * The script: `files` relative to the design directory, then one synthesis per target from the
 * same parsed design (design -save / -load). Outputs go to `@OUT@/` (yosys.ts replaces it).
 */
export function synthScript(files: string[], targets: ScriptTarget[], flow: SynthFlow, family = 'xc7'): string {
  const lines = [`read_verilog -I. ${files.map(quoted).join(' ')}`, 'design -save rtl'];
  for (const [i, t] of targets.entries()) {
    if (i > 0) lines.push('design -load rtl');
    if (flow === 'xilinx') {
      // no I/O buffers, no global clock buffer: the core is a block inside a NIC design, as in hXDP
      lines.push(`synth_xilinx -family ${family} -flatten -noiopad -noclkbuf -top ${t.module}`);
      lines.push(`tee -q -o @OUT@/${t.key}.stat.json stat -json`);
      // the path through combinational cells only: flip-flops, block RAM and DSP ports end it
      lines.push('select -set comb t:LUT* t:MUXF* t:CARRY4 t:CARRY8 t:INV');
      lines.push(`tee -q -o @OUT@/${t.key}.ltp.txt ltp -noff @comb w:*`);
      lines.push(`tee -q -o @OUT@/${t.key}.carry.txt select -list t:CARRY4 t:CARRY8`);
      lines.push(`tee -q -o @OUT@/${t.key}.mux.txt select -list t:MUXF*`);
    } else {
      // synth's own script up to its fine stage, then its fine stage without memory_map
      lines.push(`synth -flatten -lut 6 -top ${t.module} -run begin:fine`);
      lines.push('opt -fast -full', 'techmap', 'opt -fast', 'abc -fast -lut 6', 'opt -fast');
      lines.push(`tee -q -o @OUT@/${t.key}.stat.json stat -json`);
      lines.push(`tee -q -o @OUT@/${t.key}.mem.txt dump t:$mem_v2`);
      lines.push(`tee -q -o @OUT@/${t.key}.ltp.txt ltp -noff`);
    }
  }
  return lines.join('\n') + '\n';
}
