// Yosys itself on the tiny fixture: the figures synthesize() reads live equal those of the
// captured output (so the captured files are what this Yosys prints), and every way a run can
// fail is one clear line. Needs yosys; says so when it is missing.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countResources, designFiles, memoryBits, parseStat, runYosys, synthesize, SynthError } from '../../compiler/synth/index.js';
import { needs, toolMissing } from '../helpers/tools.js';

const TINY = join(import.meta.dirname, 'fixtures/tiny');
const CAPTURED = join(TINY, 'yosys-0.23');
const captured = (name: string) => readFileSync(join(CAPTURED, name), 'utf8');

describe('synth errors without Yosys', () => {
  it('a missing yosys binary is one line naming it', async () => {
    await expect(runYosys('stat\n', { cwd: TINY, yosys: 'yosys-not-installed-here' })).rejects.toThrow(/^yosys: 'yosys-not-installed-here' is not installed/);
  });

  it('a Yosys killed by a signal (the OOM killer\'s SIGKILL) is one line naming the signal, not a warning it printed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-killed-'));
    try {
      const fake = join(dir, 'yosys');
      writeFileSync(fake, '#!/bin/sh\n[ "$1" = -V ] && { echo "Yosys 0.23 (fake)"; exit 0; }\necho "Warning: Replacing memory \\\\tk with list of registers." >&2\nkill -9 $$\n', { mode: 0o755 });
      await expect(runYosys('stat\n', { cwd: dir, yosys: fake })).rejects.toThrow(/^yosys: killed by SIGKILL after \d+ s \(out of memory\?/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a directory without Verilog is one line', () => {
    expect(() => designFiles(CAPTURED)).toThrow(/no Verilog \(\.v\) files/);
  });

  it('testbenches are not synthesized', () => {
    expect(designFiles(TINY)).toEqual(['tiny_core.v', 'tiny_top.v']);
  });
});

describe.skipIf(needs(toolMissing('yosys')))('synthesize() with Yosys on the tiny fixture', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'synth-test-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('generic flow: the top and the core alone, as the captured output says', async () => {
    const r = await synthesize(TINY, { top: 'tiny_top', core: 'tiny_core', flow: 'generic' });
    const stat = captured('generic/stat.json');
    const top = countResources(parseStat(stat));
    const core = countResources(parseStat(stat, "$paramod\\tiny_core\\LANES=s32'00000000000000000000000000000011"));
    expect(r).toMatchObject({ flow: 'generic', luts: top.luts, ffs: top.ffs, brams: 0, dsps: 0 });
    expect(r.top.memoryBits).toBe(memoryBits(captured('generic/mem.txt')));
    expect(r.core).toMatchObject({ module: 'tiny_core', luts: core.luts, ffs: core.ffs, memories: 1 });
    expect(r.logicLevels).toBeGreaterThan(1);
    expect(r.yosys).toMatch(/^Yosys \d+\.\d+/);
  });

  it('xilinx flow: LUTs, FFs, one RAMB36 for the buffer, DSPs for the multipliers, a priced path', async () => {
    const r = await synthesize(TINY, { top: 'tiny_top' });
    const top = countResources(parseStat(captured('xilinx/stat.json')));
    expect(r).toMatchObject({ flow: 'xilinx', luts: top.luts, ffs: top.ffs, brams: 1, dsps: top.dsps });
    expect(r.core).toBeUndefined();
    expect(r.top.path.carries).toBeGreaterThan(0);
    expect(r.top.path.ns).toBeGreaterThan(0);
    expect(r.fmaxMHz).toBeGreaterThan(0);
  }, 120_000);

  it('a Verilog error is one line with the file and line Yosys gives', async () => {
    cpSync(TINY, scratch, { recursive: true });
    writeFileSync(join(scratch, 'tiny_top.v'), 'module tiny_top(input a); wire b = a +; endmodule\n');
    const err = await synthesize(scratch, { top: 'tiny_top', flow: 'generic' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SynthError);
    expect((err as Error).message).toMatch(/^yosys: tiny_top\.v:1: ERROR: /);
    expect((err as Error).message).not.toContain('\n');
  });

  it('an unknown top module is one line', async () => {
    await expect(synthesize(TINY, { top: 'no_such_top', flow: 'generic' })).rejects.toThrow(/^yosys: .*ERROR: .*no_such_top/);
  });

  it('a core the top does not instantiate is one line', async () => {
    await expect(synthesize(TINY, { top: 'tiny_top', core: 'tiny_alu', flow: 'generic' })).rejects.toThrow(/^yosys: no module 'tiny_alu' under 'tiny_top'/);
  });

  it('a timeout is one line', async () => {
    await expect(synthesize(TINY, { top: 'tiny_top', flow: 'xilinx', timeoutMs: 300 })).rejects.toThrow(/^yosys: timed out after 0.3 s/);
  });
});
