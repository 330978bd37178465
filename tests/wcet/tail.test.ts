// The static worst case across tail calls (compiler/wcet): on tests/rtl/tail_chain (a dispatcher
// and five programs it may tail-call, one of them calling itself), linked rows as the scheduler
// makes them, with and without the passes. Every packet of tailCase() on the TS core takes exactly
// its path's static cycles and at most the bound; the bound follows any program a prog array may
// name and counts successful tail calls to the core's limit (offload.tailCallDepth: 33, a smaller
// one, 0), never treating a tail-call cycle as an unbounded loop.

import { describe, expect, it } from 'vitest';
import { PathRecorder } from '../../cli/check-runs.js';
import { lift } from '../../compiler/ir/index.js';
import { compileObject } from '../../compiler/pipeline.js';
import { scheduleLinked, scheduleObject, scheduleProgram, tailTargetRefused } from '../../compiler/schedule/index.js';
import { compareRuns } from '../../compiler/wcet/compare.js';
import { loopEdges, pathCycles, staticWcet } from '../../compiler/wcet/index.js';
import type { Wcet } from '../../compiler/wcet/index.js';
import { isTailCall, offloadOf, XDP2HW } from '../../isa/index.js';
import type { CoreConfig, RowProgram } from '../../isa/index.js';
import { CoreEngine } from '../../simulator/core/engine.js';
import { TAIL_SLOTS, tailCase } from '../rtl/tail-case.js';

const c = tailCase();
const opts = { mapTypes: c.obj.maps.map((m) => m.type), maps: c.obj.maps };
const withDepth = (depth: number): CoreConfig => ({ ...XDP2HW, name: `xdp2hw-tail${depth}`, offload: { ...offloadOf(XDP2HW), tailCallDepth: depth } });

/** The linked rows of the dispatcher: as scheduled, or after the pipeline's passes (each program's own). */
function linkedRows(core: CoreConfig, passes: boolean): RowProgram {
  const o = { core, lanes: 4, strategy: 'list' as const, timeLimitMs: 200 };
  if (!passes) return scheduleObject(c.obj, c.program, o).program;
  return scheduleLinked(c.obj, c.program, (name) => {
    const x = compileObject(c.obj, { program: name, core });
    return scheduleProgram(x.ir, x.insns.original, o);
  }, tailTargetRefused).program;
}

function bound(rows: RowProgram, core: CoreConfig): Wcet {
  const w = staticWcet(rows, core, opts);
  if (!w.bounded) throw new Error(`unbounded: ${JSON.stringify(w.loops)}`);
  return w.wcet;
}

/** Every packet of the case on the TS core: its rows and cycles. */
async function simulate(rows: RowProgram, core: CoreConfig): Promise<PathRecorder> {
  const s = await new CoreEngine({ schedule: () => rows, core }).open(c.obj, c.program, c.fixture);
  const rec = new PathRecorder();
  s.pipeline.trace = rec;
  c.inputs.forEach((input, i) => {
    rec.packet(i);
    s.runSync(input);
  });
  return rec;
}

/** Successful tail calls on a packet's path: its rows holding a tail call that it left by a taken switch. */
const tailCallsOf = (rows: RowProgram, issued: readonly { row: number; taken: boolean }[]): number =>
  issued.filter((x) => x.taken && rows.rows[x.row].some((s) => s !== undefined && isTailCall(s.insn))).length;

/** Inputs naming slot 3 (tc_loop, which tail-calls itself) and long enough for the programs' checks. */
const selfCalls = c.inputs.flatMap((x, i) => (x.packet[14] === 3 && x.packet.length >= 32 ? [i] : []));

describe('static worst case across tail calls (tail_chain, xdp2hw, 4 lanes, list)', () => {
  for (const passes of [false, true])
    it(`${passes ? 'after the passes' : 'as scheduled'}: every packet takes its path's static cycles, at most the bound; 33 tail calls on the worst path`, async () => {
      const rows = linkedRows(XDP2HW, passes);
      expect(rows.programs?.map((q) => q.name)).toEqual(['tail_chain', 'tc_tx', 'tc_relay', 'tc_end', 'tc_loop', 'tc_pop']);
      // a tail-call cycle (tc_loop calling itself, any program calling the dispatcher) is no loop
      expect(loopEdges(rows)).toEqual([]);
      const w = bound(rows, XDP2HW);
      expect(w.tailCallLimit).toBe(33);
      expect(w.tailCalls).toBe(33);
      expect(w.best.cycles).toBeLessThanOrEqual(w.cycles);
      const rec = await simulate(rows, XDP2HW);
      expect(rec.runs).toHaveLength(c.inputs.length);
      for (const r of rec.runs) {
        expect(r.cycles, `packet ${r.packet}`).toBeLessThanOrEqual(w.cycles);
        expect(r.cycles, `packet ${r.packet}`).toBe(pathCycles(rows, XDP2HW, opts, r.issued));
      }
      const cmp = compareRuns(rows, XDP2HW, opts, w, rec.runs);
      expect(cmp.violations).toEqual([]);
      expect(cmp.maxSimulated).toBeLessThanOrEqual(w.cycles);
      // the self-call chain: the dispatcher's call, then tc_loop's own 32, then its 34th call fails
      expect(selfCalls.length).toBeGreaterThan(0);
      for (const i of selfCalls) {
        const run = rec.runs.find((r) => r.packet === i)!;
        expect(tailCallsOf(rows, run.issued), `packet ${i}`).toBe(33);
      }
      // the longest: a self-call chain whose every round also calls the empty slot 5 (p[18] odd)
      expect(Math.max(...selfCalls.map((i) => rec.runs.find((r) => r.packet === i)!.cycles))).toBe(cmp.maxSimulated);
      // every slot the traffic names is a path the bound knows
      expect(new Set(c.inputs.map((x) => x.packet[14]))).toEqual(new Set(TAIL_SLOTS));
    }, 120_000);

  it('the chain is counted to the core\'s limit: a smaller depth shortens it, 0 leaves the entry program alone', async () => {
    const full = bound(linkedRows(XDP2HW, false), XDP2HW);
    let last = -1;
    for (const depth of [0, 1, 4, 33]) {
      const core = withDepth(depth);
      const rows = linkedRows(core, false);
      const w = bound(rows, core);
      expect(w.tailCallLimit).toBe(depth);
      expect(w.tailCalls).toBe(depth);
      expect(w.cycles).toBeGreaterThan(last);
      last = w.cycles;
      // the core chains as many as its depth allows: each packet within the bound, on its path's cycles
      const rec = await simulate(rows, core);
      for (const r of rec.runs) {
        expect(r.cycles, `depth ${depth}, packet ${r.packet}`).toBeLessThanOrEqual(w.cycles);
        expect(r.cycles, `depth ${depth}, packet ${r.packet}`).toBe(pathCycles(rows, core, opts, r.issued));
      }
      for (const i of selfCalls) expect(tailCallsOf(rows, rec.runs.find((r) => r.packet === i)!.issued)).toBe(depth);
    }
    expect(last).toBe(full.cycles);
    // depth 0: every tail call fails, so the bound is the dispatcher's own rows' (they come first)
    const alone = scheduleProgram(lift(c.obj.programs[0]), c.obj.programs[0].code.insns.length, { core: XDP2HW, lanes: 4, strategy: 'list', timeLimitMs: 200 }).program;
    expect(bound(linkedRows(withDepth(0), false), withDepth(0)).cycles).toBe(bound(alone, withDepth(0)).cycles);
  }, 120_000);

  it('unlinked rows (one program): a tail call can only fail there', () => {
    const x = compileObject(c.obj, { program: 'tc_loop', core: XDP2HW });
    const rows = scheduleProgram(x.ir, x.insns.original, { core: XDP2HW, lanes: 4, strategy: 'list', timeLimitMs: 200 }).program;
    expect(rows.programs).toBeUndefined();
    const w = bound(rows, XDP2HW);
    expect(w.tailCallLimit).toBeUndefined();
    expect(w.path.packetClass).toMatch(/tail call fails/);
  });
});
