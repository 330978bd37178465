// `verilator --lint-only -Wall` on the designs the emitter writes: xdp1 at 1, 2, 4 and 8 lanes
// and, at 4 lanes, every program the RTL runs (between them: packet, stack, ctx and map loads,
// stores from one lane and from several, helper calls, a program with no memory access at all);
// and on xdp2hw-ext (the core extensions: memory adds, fused null tests, non-faulting loads).
// Any warning fails: each one the design means to keep is waived in the source, next to the
// code, with its reason (checked below too). Needs verilator; says so when it is missing.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emitVerilog, HDL_MODULES, SYNTH_TOP, writeDesign } from '../../compiler/emit/verilog/index.js';
import { scheduleObject } from '../../compiler/schedule/index.js';
import { XDP2HW, XDP2HW_EXT } from '../../isa/index.js';
import type { CoreConfig } from '../../isa/index.js';
import type { Strategy } from '../../compiler/schedule/index.js';
import { ROOT } from '../helpers/paths.js';
import { needs, toolMissing } from '../helpers/tools.js';
import { programCase, RTL_PROGRAMS } from '../rtl/case.js';

const CASES: [string, number, CoreConfig, Strategy][] = [
  ...[1, 2, 8].map((l): [string, number, CoreConfig, Strategy] => ['xdp1', l, XDP2HW, 'list']),
  ...RTL_PROGRAMS.map((p): [string, number, CoreConfig, Strategy] => [p, 4, XDP2HW, 'list']),
  ['rxq_info', 4, XDP2HW_EXT, 'motion'], ['xdp1', 1, XDP2HW_EXT, 'motion'],
];

describe('lint waivers in hdl-templates', () => {
  it('every lint_off names one warning, gives a reason and is closed by a lint_on in the same file', () => {
    for (const f of readdirSync(join(ROOT, 'hdl-templates')).filter((n) => n.endsWith('.v'))) {
      const open = new Map<string, number>();
      for (const line of readFileSync(join(ROOT, 'hdl-templates', f), 'utf8').split('\n')) {
        const off = /verilator lint_off (\w+)/.exec(line);
        const on = /verilator lint_on (\w+)/.exec(line);
        if (off) {
          expect(line, `${f}: ${line.trim()}`).toMatch(/lint_off \w+ \*\/ \/\/ \S/);
          open.set(off[1], (open.get(off[1]) ?? 0) + 1);
        }
        if (on) open.set(on[1], (open.get(on[1]) ?? 0) - 1);
        expect(line, `${f}: a blanket waiver`).not.toMatch(/lint_off\s*\*\//);
      }
      for (const [w, n] of open) expect(n, `${f}: lint_off ${w} without its lint_on`).toBe(0);
    }
  });
});

describe.skipIf(needs(toolMissing('verilator')))('verilator --lint-only -Wall on emitted designs', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'xdp2hw-lint-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('the same command does report a warning the source does not waive (the check can fail)', () => {
    const out = join(scratch, 'unwaived');
    mkdirSync(out);
    writeFileSync(join(out, 'm.v'), 'module m(input wire clk, input wire [7:0] a, output reg [3:0] q);\n  always @(posedge clk) q <= a;\nendmodule\n');
    const r = spawnSync('verilator', ['--lint-only', '-Wall', '-I.', '--top-module', 'm', 'm.v'], { cwd: out, encoding: 'utf8' });
    expect(r.stderr).toMatch(/%Warning-WIDTH/);
  });

  for (const [name, lanes, core, strategy] of CASES)
    it(`${name}, ${lanes} lane${lanes > 1 ? 's' : ''}${core === XDP2HW ? '' : `, ${core.name} ${strategy}`}: no error, no unwaived warning`, () => {
      const c = programCase(name, 1);
      const rows = scheduleObject(c.obj, c.program, { core, lanes, strategy, timeLimitMs: 200 }).program;
      const out = join(scratch, `${name}-${lanes}-${core.name}`);
      writeDesign(emitVerilog(rows, core, c.obj), out);
      const r = spawnSync('verilator', ['--lint-only', '-Wall', '-I.', '--top-module', SYNTH_TOP, ...HDL_MODULES, `${SYNTH_TOP}.v`], { cwd: out, encoding: 'utf8' });
      expect(r.error).toBeUndefined();
      expect(r.stderr, 'verilator printed warnings or errors').toBe('');
      expect(r.status).toBe(0);
    }, 60_000);
});
