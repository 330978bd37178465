// What the report tests share: the programs they report on (small ones, each with traffic.pcap and
// maps.json beside it), the options, a synthesis document in the `verilog --synth --json` format
// and the sweep fixture (real `xdp2hw sweep` output of xdp1 and xdp2, lanes 1, 2, 4, list and
// motion, 50 packets each, written by the h-sweep branch's command). fixtures/synth-*.json is a
// real `xdp2hw verilog --synth --json` document (the h-synth branch's command, Yosys 0.23).

import { join } from 'node:path';
import { loadFile } from '../../compiler/loader/index.js';
import { CORE_PRESETS } from '../../isa/index.js';
import type { ReportOptions } from '../../report/index.js';
import { PROGRAMS_DIR, ROOT } from '../helpers/paths.js';

export const PROGRAMS = ['xdp1', 'xdp2', 'xdp_tx'];
export const SWEEP_FIXTURE = join(ROOT, 'tests/report/fixtures/sweep.jsonl');

export const objectPath = (name: string): string => join(PROGRAMS_DIR, name, `${name}.o`);

export function inputs(names = PROGRAMS) {
  return names.map((n) => ({ file: objectPath(n), obj: loadFile(objectPath(n)) }));
}

export const OPTIONS: ReportOptions = {
  core: CORE_PRESETS.xdp2hw, laneCounts: [1, 2, 4, 8], strategy: 'list', strategies: ['sequential', 'list', 'motion', 'optimal'],
  timeLimitMs: 20, maxPackets: 60, baseline: 'model',
};

/**
 * A document shaped as `xdp2hw verilog --synth --json` writes it (the field names are the
 * contract; the figures are only there to be drawn, they are not a measurement).
 */
export function synthDoc(lanes: number): unknown {
  return { lanes, core: 'xdp2hw', files: [], synth: { luts: 5000 * lanes, ffs: 1500 * lanes, brams: 10, dsps: 0, logicLevels: 20 + lanes, core: { luts: 3000 * lanes, ffs: 600 * lanes }, extra: 'ignored' } };
}
