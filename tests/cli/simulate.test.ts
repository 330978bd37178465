// `xdp2hw simulate` through the built CLI: the JSON contract, the text report, --trace, --vcd,
// --baseline, and bad input as one line.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFile } from '../../compiler/loader/index.js';
import { compileObject, scheduleCompiled } from '../../compiler/pipeline.js';
import { scheduleObject } from '../../compiler/schedule/index.js';
import { XDP2HW } from '../../isa/index.js';
import { writePcapFile } from '../../simulator/pcap/index.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { tailCase } from '../rtl/tail-case.js';
import { kernelMissing, needs } from '../helpers/tools.js';
import { runCli } from './run.js';

const prog = (n: string, f: string) => join(PROGRAMS_DIR, n, f);
const xdp1 = ['simulate', prog('xdp1', 'xdp1.o'), '--pcap', prog('xdp1', 'traffic.pcap'), '--maps', prog('xdp1', 'maps.json'), '--max-packets', '40'];

describe('xdp2hw simulate', () => {
  it('a program that tail-calls: the rows link every target after its own passes (compile\'s ROM), equal to the interpreter', async () => {
    const c = tailCase();
    const dir = mkdtempSync(join(tmpdir(), 'xdp2hw-sim-tail-'));
    const pcap = join(dir, 'tail.pcap');
    await writePcapFile(pcap, c.inputs.map((x, i) => ({ tsSec: i, tsNsec: 0, origLen: x.packet.length, data: x.packet })));
    const file = join(import.meta.dirname, '..', 'rtl', 'tail_chain', 'tail_chain.o');
    const r = runCli(['simulate', file, '--maps', join(import.meta.dirname, '..', 'rtl', 'tail_chain', 'maps.json'), '--pcap', pcap, '--lanes', '4', '--baseline', 'none', '--json']);
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(j.mismatches).toBe(0);
    expect(j.packets).toBeGreaterThan(20);
    const obj = loadFile(file);
    const o = { core: XDP2HW, lanes: 4, strategy: 'list' as const, timeLimitMs: 2000 };
    const rom = scheduleCompiled(compileObject(obj, { program: 'tail_chain', core: XDP2HW }), obj, o).program;
    expect(j.rows).toBe(rom.rows.length);
    // the targets as written take more rows than after their passes
    expect(scheduleObject(obj, 'tail_chain', o).program.rows.length).toBeGreaterThan(rom.rows.length);
  });

  it('--json has exactly the issue\'s fields, with 0 mismatches', () => {
    const r = runCli([...xdp1, '--core', 'hxdp', '--lanes', '2', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of ['packets', 'actions', 'cycles', 'latencyNs', 'mpps', 'stalls', 'laneUtilisation', 'baseline', 'mismatches']) expect(j).toHaveProperty(k);
    for (const k of ['min', 'mean', 'p50', 'p99', 'max']) {
      expect(typeof j.cycles[k]).toBe('number');
      expect(typeof j.latencyNs[k]).toBe('number');
    }
    expect(Object.keys(j.baseline).sort()).toEqual(['kernelNsPerPacket', 'modelNsPerPacket']);
    expect(j.baseline.modelNsPerPacket).toBeGreaterThan(0);
    expect(j.baseline.kernelNsPerPacket).toBeNull();
    expect(j.mismatches).toBe(0);
    expect(j.packets).toBeGreaterThan(30);
    expect(j.cycles.min).toBeLessThanOrEqual(j.cycles.p50);
    expect(j.lanes).toBe(2);
    expect(Object.keys(j.stalls)).toEqual(['branch', 'helper', 'memory', 'data', 'io', 'queue']);
  });

  it('prints the text report; --trace shows the pipeline; --vcd writes a waveform', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xdp2hw-sim-'));
    const vcd = join(dir, 'core.vcd');
    const r = runCli(['simulate', prog('xdp_tx', 'xdp_tx.o'), '--pcap', prog('xdp_tx', 'traffic.pcap'), '--max-packets', '2', '--trace', '--vcd', vcd, '--baseline', 'none']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/cycle\s+IF\s+ID\s+IE\s+WB/);
    expect(r.stdout).toMatch(/-- packet 1 starts at cycle/);
    expect(r.stdout).toMatch(/exit 3/);
    expect(r.stdout).toMatch(/agreement\s+every packet equal/);
    expect(r.stdout).not.toMatch(/CPU model/);
    const v = readFileSync(vcd, 'utf8');
    expect(v).toMatch(/\$var wire 16 \S+ pc \$end/);
    expect(v).toMatch(/\$enddefinitions \$end/);
  });

  it.skipIf(needs(kernelMissing()))('--baseline both prints the kernel JIT and the model', () => {
    const r = runCli([...xdp1, '--baseline', 'both']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/CPU JIT\s+[\d.]+ ns\/packet measured/);
    expect(r.stdout).toMatch(/CPU model\s+[\d.]+ ns\/packet/);
  }, 120_000);

  it('bad input is one line and exit 1; usage is exit 2', () => {
    const bad = runCli(['simulate', prog('xdp1', 'xdp1.o'), '--packet', 'zz']);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const lanes = runCli([...xdp1, '--lanes', '9']);
    expect(lanes.status).toBe(1);
    expect(lanes.stderr).toMatch(/lanes must be 1-8/);
    expect(runCli(['simulate', prog('xdp1', 'xdp1.o')]).status).toBe(2);
  });
});
