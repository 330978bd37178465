// The Yosys script xdp2hw runs: read the design, elaborate it under its top, keep the core (with
// the parameters the top gives it) as its own module while the rest is flattened, synthesize, and
// write the statistics (per module and for the whole hierarchy) and the longest combinational path
// of the core alone and of the whole top once flattened. Two flows: `xilinx` (synth_xilinx for
// 7-series: LUT6, CARRY4, RAMB18/36, DSP48E1) and `generic` (Yosys's `synth -lut 6` without
// memory_map: technology-free 6-input LUTs, memories left as memories and reported in bits).

export type SynthFlow = 'xilinx' | 'generic';
export const SYNTH_FLOWS: readonly SynthFlow[] = ['xilinx', 'generic'];

/** A name Yosys reads literally in a script (no spaces nor quotes: the emitter's names). */
function literal(name: string, what: string): string {
  if (!/^[\w.\-/]+$/.test(name)) throw new Error(`a ${what} Yosys cannot read in a script: ${JSON.stringify(name)}`);
  return name;
}

/** Selection of the core's module as elaborated: itself, or its copy with the top's parameters. */
export function coreSelection(core: string): string {
  return `${core} $paramod*\\${core}\\* $paramod*\\${core}`;
}

/**
 * The script for `files` (relative to the design directory) under `top`, the core kept apart
 * when `core` is given. Outputs go to `@OUT@/` (yosys.ts replaces it): stat.json (hierarchical),
 * modules.ltp.txt (per module, before flattening), top.ltp.txt (flattened), and for the xilinx
 * flow the carry and mux cell lists; for the generic flow the memories (mem.txt).
 */
export function synthScript(files: string[], top: string, core: string | undefined, flow: SynthFlow, family = 'xc7', blackboxes: readonly string[] = []): string {
  const t = literal(top, 'module name');
  const lines = [`read_verilog -I. ${files.map((f) => literal(f, 'file name')).join(' ')}`];
  // modules left out of the figures (their cells are not counted; their ports end paths)
  for (const b of blackboxes) lines.push(`blackbox ${literal(b, 'module name')}`);
  lines.push(`hierarchy -top ${t}`);
  if (core !== undefined) lines.push(`setattr -mod -set keep_hierarchy 1 ${coreSelection(literal(core, 'module name'))}`);
  if (flow === 'xilinx') {
    // no I/O buffers, no global clock buffer: the core is a block inside a NIC design, as in hXDP
    lines.push(`synth_xilinx -family ${family} -flatten -noiopad -noclkbuf -top ${t}`);
  } else {
    // synth's own script up to its fine stage, then its fine stage without memory_map
    lines.push(`synth -flatten -lut 6 -top ${t} -run begin:fine`, 'opt -fast -full', 'techmap', 'opt -fast', 'abc -fast -lut 6', 'opt -fast');
  }
  lines.push('tee -q -o @OUT@/stat.json stat -json');
  if (flow === 'generic') lines.push('tee -q -o @OUT@/mem.txt dump t:$mem_v2');
  // the paths through combinational cells only: flip-flops, block RAM and DSP ports end them
  const comb = flow === 'xilinx' ? 'select -set comb t:LUT* t:MUXF* t:CARRY4 t:CARRY8 t:INV' : 'select -set comb t:* t:$mem* %d';
  const lists = flow === 'xilinx' ? (suffix: string) => [`tee -q -o @OUT@/carry${suffix}.txt select -list t:CARRY4 t:CARRY8`, `tee -q -o @OUT@/mux${suffix}.txt select -list t:MUXF*`] : () => [];
  if (core !== undefined) lines.push(comb, 'tee -q -o @OUT@/modules.ltp.txt ltp -noff @comb w:*', ...lists('-modules'), 'setattr -mod -unset keep_hierarchy', 'flatten');
  lines.push(comb, 'tee -q -o @OUT@/top.ltp.txt ltp -noff @comb w:*', ...lists(''));
  return lines.join('\n') + '\n';
}
