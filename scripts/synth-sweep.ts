// Sizes xdp1 with Yosys for several lane counts (and core presets): emits the design of each,
// synthesizes it (synth_xilinx for 7-series by default), and prints one table row per design:
// LUT / FF / BRAM36 / DSP and the longest path of the core alone (hXDP's Sephirot) and of the
// whole top, beside hXDP's published figures. One Yosys at a time, under nice.
//   npx tsx scripts/synth-sweep.ts [--lanes 1,2,4,8] [--cores xdp2hw,hxdp] [--program xdp1] [--flow xilinx|generic] [--json]
//     [--blackbox xdp2hw_bytemem]  (modules left out: the figures are then those of the rest)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CORE_MODULE, emitVerilog, SYNTH_TOP, writeDesign } from '../compiler/emit/verilog/index.js';
import { loadFile } from '../compiler/loader/index.js';
import { scheduleObject } from '../compiler/schedule/index.js';
import { DEFAULT_TIMEOUT_MS, synthesize, SYNTH_FLOWS, XC7_DELAYS } from '../compiler/synth/index.js';
import type { SynthFlow, SynthReport } from '../compiler/synth/index.js';
import { CORE_PRESETS } from '../isa/index.js';

const { values } = parseArgs({
  options: {
    lanes: { type: 'string', default: '1,2,4,8' }, cores: { type: 'string', default: 'xdp2hw' },
    program: { type: 'string', default: 'xdp1' }, flow: { type: 'string', default: 'xilinx' },
    json: { type: 'boolean', default: false }, timeout: { type: 'string', default: String(DEFAULT_TIMEOUT_MS / 1000) }, blackbox: { type: 'string' },
  },
});

/** hXDP on a Virtex-7 (REFERENCE.md): Sephirot and the whole design. */
const HXDP = { core: { luts: 27_000, ffs: 4_000 }, whole: { luts: 42_000, ffs: 18_000, brams: 50 } };

interface Row { core: string; lanes: number; rows: number; report: SynthReport }

async function main(): Promise<number> {
  const flow = values.flow as SynthFlow;
  if (!SYNTH_FLOWS.includes(flow)) throw new Error(`--flow must be one of ${SYNTH_FLOWS.join(', ')}`);
  const name = values.program!;
  const obj = loadFile(join('programs', name, `${name}.o`));
  const program = obj.programs[0].name;
  const out: Row[] = [];
  for (const coreName of values.cores!.split(',')) {
    const core = CORE_PRESETS[coreName];
    if (!core) throw new Error(`--cores: no preset '${coreName}' (${Object.keys(CORE_PRESETS).join(', ')})`);
    for (const lanes of values.lanes!.split(',').map(Number)) {
      const rows = scheduleObject(obj, program, { core, lanes, strategy: 'list', timeLimitMs: 200 }).program;
      const dir = mkdtempSync(join(tmpdir(), `synth-${name}-${lanes}-`));
      try {
        writeDesign(emitVerilog(rows, core, obj), join(dir, 'design'));
        const report = await synthesize(join(dir, 'design'), { top: SYNTH_TOP, core: CORE_MODULE, flow, timeoutMs: Number(values.timeout) * 1000, blackboxes: values.blackbox?.split(',') });
        out.push({ core: coreName, lanes, rows: rows.rows.length, report });
        console.error(`${name} ${coreName} ${lanes} lane(s), ${report.seconds.toFixed(0)} s: core ${report.core?.luts} LUT ${report.core?.ffs} FF ${report.core?.path.levels} levels; whole ${report.luts} LUT ${report.ffs} FF ${report.brams} BRAM36 ${report.dsps} DSP ${report.logicLevels} levels (${report.top.path.ns} ns)`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  if (values.json) console.log(JSON.stringify(out.map((r) => ({ core: r.core, lanes: r.lanes, rows: r.rows, ...r.report })), null, 2));
  else printTable(name, flow, out);
  return 0;
}

function printTable(name: string, flow: SynthFlow, rows: Row[]): void {
  const head = ['core', 'lanes', 'rows', 'core LUT', 'core FF', 'core DSP', 'core levels', 'LUT', 'FF', 'BRAM36', 'DSP', 'levels', 'path ns', 'est. MHz'];
  const body = rows.map(({ core, lanes, rows: n, report: r }) => [core, lanes, n, r.core?.luts ?? '-', r.core?.ffs ?? '-', r.core?.dsps ?? '-', r.core?.path.levels ?? '-',
    r.luts, r.ffs, r.brams, r.dsps, r.logicLevels, r.top.path.ns ?? '-', r.fmaxMHz ?? '-'].map(String));
  body.push(['hXDP', '4', '-', String(HXDP.core.luts), String(HXDP.core.ffs), '-', '-', String(HXDP.whole.luts), String(HXDP.whole.ffs), String(HXDP.whole.brams), '-', '-', '-', '156.25']);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 1 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  console.log(`${name}, Yosys ${flow === 'xilinx' ? 'synth_xilinx -family xc7' : 'synth -lut 6'} (${rows[0]?.report.yosys ?? ''})`);
  console.log(line(head));
  for (const b of body) console.log(line(b));
  if (flow === 'xilinx') console.log(`path ns: the whole top's deepest path priced by compiler/synth/depth.ts (LUT ${XC7_DELAYS.lut} ns + net ${XC7_DELAYS.net} ns a level, CARRY4 ${XC7_DELAYS.carry} ns chained); est. MHz adds ${XC7_DELAYS.register} ns of register overhead`);
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});
