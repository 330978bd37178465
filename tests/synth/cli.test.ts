// `xdp2hw verilog --synth` through the built CLI: the emitted design of xdp_drop on one lane, sized
// by Yosys's generic flow (the quick one: memories stay memories), with the JSON contract
// (synth: luts, ffs, brams, dsps, logicLevels, core: {luts, ffs}); the option errors.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { needs, toolMissing } from '../helpers/tools.js';
import { runCli } from '../cli/run.js';

const OBJ = join(PROGRAMS_DIR, 'xdp_drop', 'xdp_drop.o');
const scratch = mkdtempSync(join(tmpdir(), 'synth-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('verilog --synth: option errors', () => {
  it('--synth-flow and --synth-timeout need --synth', () => {
    const r = runCli(['verilog', OBJ, '--out', join(scratch, 'a'), '--synth-flow', 'generic']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--synth-flow is for --synth/);
  });

  it('a bad timeout is one line', () => {
    const r = runCli(['verilog', OBJ, '--out', join(scratch, 'b'), '--synth', '--synth-timeout', '-1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--synth-timeout must be a positive number/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a timeout that expires is one line naming the directory, exit 1', () => {
    const r = runCli(['verilog', OBJ, '--out', join(scratch, 'c'), '--lanes', '1', '--synth', '--synth-timeout', '0.5']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/c: yosys: timed out after 0.5 s/);
  });

});

describe.skipIf(needs(toolMissing('yosys')))('verilog --synth on an emitted core', () => {
  it('xdp_drop, 1 lane, generic flow: the JSON contract, the core smaller than the whole', () => {
    const r = runCli(['verilog', OBJ, '--out', join(scratch, 'drop'), '--lanes', '1', '--synth', '--synth-flow', 'generic', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { synth } = JSON.parse(r.stdout) as { synth: Record<string, number | null> & { core: Record<string, number> } };
    for (const k of ['luts', 'ffs', 'brams', 'dsps', 'logicLevels']) expect(typeof synth[k]).toBe('number');
    expect(synth).toMatchObject({ flow: 'generic', pathNs: null, fmaxMHz: null });
    expect(synth.core.luts).toBeGreaterThan(0);
    expect(synth.core.luts).toBeLessThan(synth.luts!);
    expect(synth.core.ffs).toBeLessThan(synth.ffs!);
    expect(synth.logicLevels).toBeGreaterThan(1);
    // the generic flow keeps memories as memories: the 2048-byte packet buffer at least (xdp_drop has no stack use)
    expect(synth.memoryBits).toBeGreaterThanOrEqual(2048 * 8);
  }, 600_000);
});
