// Every command schedules the same program: `compile --lanes`, `compare --passes` and `sweep`
// schedule the IR after the passes (scheduleWith with passes), `simulate` and `run --engine
// rows|core` schedule the lowered program re-read (the compiled object). The block boundaries
// the passes leave behind must not change a row: both paths give the same rows, syllable for
// syllable, on every program of programs/ (4 lanes, list and motion, both presets).

import { describe, expect, it } from 'vitest';
import { compileObject } from '../../compiler/pipeline.js';
import { ScheduleError } from '../../compiler/schedule/index.js';
import type { Strategy } from '../../compiler/schedule/index.js';
import { scheduleWith } from '../../cli/schedule-options.js';
import { HXDP, XDP2HW } from '../../isa/index.js';
import type { RowProgram } from '../../isa/index.js';
import { loadProgram, programNames } from '../differential/engines.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';

/** A row program as text: each syllable's instruction and jump row (a jump's own offset is the lowering's, not the row's). */
function shape(p: RowProgram): string[] {
  return p.rows.map((row) => row.map((s) => (s === undefined ? '-' : JSON.stringify(s.target === undefined ? s.insn : { ...s.insn, off: 0, target: s.target }))).join(' | '));
}

const HXDP_SET = new Set(['xdp1', 'xdp2', 'adjust_tail', 'router_ipv4', 'rxq_info', 'tx_ip_tunnel', 'simple_firewall', 'l4lb']);

describe('compile path = simulate path', () => {
  for (const name of programNames(PROGRAMS_DIR)) {
    it(`${name}: the same rows from the IR after passes and from its lowered bytecode`, () => {
      const c = loadProgram(PROGRAMS_DIR, name);
      let compared = 0, refused = 0;
      for (const p of c.obj.programs)
        for (const core of [HXDP, XDP2HW])
          for (const strategy of ['list', 'motion'] as Strategy[]) {
            const opts = { core, lanes: 4, strategy };
            let viaIr;
            try {
              viaIr = scheduleWith(c.obj, p.name, opts, true);
            } catch (e) {
              expect(e).toBeInstanceOf(ScheduleError); // refused (BPF-to-BPF or tail calls), on both paths
              expect(() => scheduleWith(compileObject(c.obj, { program: p.name, core }).object, p.name, opts, false)).toThrow(ScheduleError);
              refused++;
              continue;
            }
            const compiled = compileObject(c.obj, { program: p.name, core });
            const viaBytecode = scheduleWith(compiled.object, compiled.optimized.program.name, opts, false);
            const where = `${p.name} ${core.name} ${strategy}`;
            expect(viaIr.stats.rows, where).toBe(viaBytecode.stats.rows);
            expect(shape(viaIr.program), where).toEqual(shape(viaBytecode.program));
            compared++;
          }
      expect(compared + refused).toBe(c.obj.programs.length * 4);
      // hXDP's programs all schedule: the comparison ran on each
      if (HXDP_SET.has(name)) expect(refused, name).toBe(0);
    });
  }
});
