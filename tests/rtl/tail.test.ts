// bpf_tail_call on every engine (tests/rtl/tail-case.ts: tail_chain.o's dispatcher and the five
// programs its prog array names): the interpreter, the kernel, the row executor and the TypeScript
// core on every strategy and lane count, and the RTL in Icarus, equal in action, packet and maps
// (core and RTL also in cycles); the scheduler's rule for a tail call's row; rows that do not link
// the target trap; the core's offload.tailCallDepth drives the TypeScript core and the RTL alike.

import { describe, expect, it } from 'vitest';
import { scheduleObject, STRATEGIES } from '../../compiler/schedule/index.js';
import type { Strategy } from '../../compiler/schedule/index.js';
import { isTailCall, XDP2HW } from '../../isa/index.js';
import type { CoreConfig, RowProgram } from '../../isa/index.js';
import { CoreEngine } from '../../simulator/core/engine.js';
import { cosimulate } from '../../simulator/cosim.js';
import type { EngineSession, RunResult } from '../../simulator/engine.js';
import { InterpreterEngine } from '../../simulator/interpreter/engine.js';
import { KernelEngine } from '../../simulator/kernel/index.js';
import { RowsEngine } from '../../simulator/rows/engine.js';
import { kernelMissing, needs, toolMissing } from '../helpers/tools.js';
import { sessions } from './case.js';
import { tailCase } from './tail-case.js';

const c = tailCase();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Runs the whole traffic: per packet action, packet and maps. */
async function runAll(s: EngineSession): Promise<{ action: string; packet: string; maps: string }[]> {
  const out = [];
  for (const input of c.inputs) {
    const r: RunResult = await s.run(input);
    out.push({ action: r.action, packet: hex(r.packet), maps: JSON.stringify(r.maps) });
  }
  await s.close();
  return out;
}

const rowsOf = (core: CoreConfig, lanes: number, strategy: Strategy) => scheduleObject(c.obj, c.program, { core, lanes, strategy, timeLimitMs: 100 }).program;

describe('bpf_tail_call on every engine', () => {
  let reference: Awaited<ReturnType<typeof runAll>>;

  it('the interpreter: every slot, the chain of two, the limit of 33, an empty slot and one past max_entries', async () => {
    reference = await runAll(await new InterpreterEngine().open(c.obj, c.program, c.fixture));
    const actions = reference.slice(0, 10).map((r) => r.action);
    // slots 0-4 filled (tc_tx, tc_relay → tc_end, tc_end, tc_loop, tc_pop → tc_end), then 5, 7, 8, 200, 255 fall through
    expect(actions).toEqual(['XDP_TX', 'XDP_TX', 'XDP_TX', 'XDP_DROP', 'XDP_TX', 'XDP_PASS', 'XDP_PASS', 'XDP_PASS', 'XDP_PASS', 'XDP_PASS']);
    // 33 tail calls a packet (the kernel's MAX_TAIL_CALL_CNT): the dispatcher's, then tc_loop's own 32;
    // the 34th falls through: tc_loop ran 33 times, p[17] grew by 33 (packet 13: p[18] even)
    const grew = (k: number) => (Buffer.from(reference[k].packet, 'hex')[17] - c.inputs[k].packet[17]) & 0xff;
    expect([c.inputs[13].packet[14], c.inputs[13].packet[18]]).toEqual([3, 0]);
    expect(grew(13)).toBe(33);
    // p[18] odd: each run first calls the empty slot 5, which does not count (as in this machine's
    // kernel, whose JIT counts a tail call once its slot holds a program): 33 runs again (packet 3)
    expect([c.inputs[3].packet[14], c.inputs[3].packet[18]]).toEqual([3, 1]);
    expect(grew(3)).toBe(33);
  });

  it.skipIf(needs(kernelMissing()))('the kernel agrees with the interpreter on every packet and map', async () => {
    expect(await runAll(await new KernelEngine().open(c.obj, c.program, c.fixture))).toEqual(reference);
  }, 60_000);

  it('the row executor and the TypeScript core agree on every strategy and lane count', async () => {
    for (const strategy of STRATEGIES)
      for (const lanes of [1, 2, 4]) {
        const schedule = () => rowsOf(XDP2HW, lanes, strategy);
        expect(await runAll(await new RowsEngine({ schedule }).open(c.obj, c.program, c.fixture)), `rows ${strategy} ${lanes}`).toEqual(reference);
        expect(await runAll(await new CoreEngine({ schedule, core: XDP2HW }).open(c.obj, c.program, c.fixture)), `core ${strategy} ${lanes}`).toEqual(reference);
      }
  }, 120_000);
});

describe('bpf_tail_call in the rows', () => {
  it('links the six programs, the dispatcher first; a tail call shares its row with no control syllable and nothing after it', () => {
    for (const strategy of STRATEGIES) {
      const p = rowsOf(XDP2HW, 4, strategy);
      expect(p.programs?.map((q) => q.name)).toEqual(['tail_chain', 'tc_tx', 'tc_relay', 'tc_end', 'tc_loop', 'tc_pop']);
      let calls = 0;
      p.rows.forEach((row) => {
        const lane = row.findIndex((s) => s && isTailCall(s.insn));
        if (lane < 0) return;
        calls++;
        expect(row.filter((s) => s && ['jmp', 'jlen', 'ja', 'exit', 'exit-imm'].includes(s.insn.kind))).toEqual([]);
        // nothing later in program order (a higher instruction index) shares the row
        const at = row[lane]!.source.index!;
        for (const s of row) if (s && s !== row[lane]) expect(s.source.index!).toBeLessThan(at);
      });
      expect(calls).toBe(5);
    }
  });

  it('rows that do not link the target trap on a tail call that would succeed, naming the program', async () => {
    const one: RowProgram = { ...rowsOf(XDP2HW, 2, 'list'), programs: undefined };
    const first = one.rows.findIndex((row) => row.some((s) => s && isTailCall(s.insn)));
    const cut = { ...one, rows: one.rows.slice(0, one.programs?.[1]?.entry ?? rowsOf(XDP2HW, 2, 'list').programs![1].entry) };
    expect(first).toBeGreaterThan(0);
    const s = await new RowsEngine({ schedule: () => cut }).open(c.obj, c.program, c.fixture);
    const r = await s.run(c.inputs[0]);
    expect(r.trap?.kind).toBe('bad-call');
    expect(r.trap?.message).toMatch(/bpf_tail_call into program tc_tx, which is not linked into the rows of tail_chain/);
    // an empty slot still falls through
    expect((await s.run(c.inputs[5])).action).toBe('XDP_PASS');
  });
});

describe.skipIf(needs(toolMissing('iverilog'), toolMissing('vvp')))('bpf_tail_call in the RTL (Icarus)', () => {
  it('4 lanes: equal to the TypeScript core in action, packet, maps and cycles; the tail-call limit is the core\'s', async () => {
    const { ts, rtl } = await sessions(c, XDP2HW, 4, 'icarus');
    const s = await cosimulate(ts, rtl, 'icarus', c.inputs);
    expect(s.firstMismatches).toEqual([]);
    expect(s.packets).toBe(c.inputs.length);
    expect(s.mismatches).toBe(0);
    expect(s.cycleMismatches).toBe(0);
    expect(await rtl.readMaps()).toEqual(await ts.readMaps());
    // offload.tailCallDepth 32 on both: equal again; the RTL with 32 against the core with 33 differs on the self-call
    const short: CoreConfig = { ...XDP2HW, offload: { ...XDP2HW.offload!, tailCallDepth: 32 } };
    const both = await sessions(c, short, 4, 'icarus');
    const t = await cosimulate(both.ts, both.rtl, 'icarus', c.inputs);
    expect([t.mismatches, t.cycleMismatches]).toEqual([0, 0]);
    const fresh = await sessions(c, XDP2HW, 4, 'icarus');
    const cut = await sessions(c, short, 4, 'icarus');
    const u = await cosimulate(fresh.ts, cut.rtl, 'icarus', c.inputs.slice(0, 4));
    expect(u.firstMismatches[0]?.packet).toBe(3);
  }, 300_000);
});
