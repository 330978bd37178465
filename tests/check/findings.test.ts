// The obstacles check names, each with its instruction, source line and fix: from clang objects
// (tests/check/fixtures/*.c, committed with their .o) and from cores that lack a resource (JSON
// core files through checkCoreConfig, as `--core FILE` reads them).

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkProgram, findingText } from '../../compiler/check/index.js';
import type { Finding } from '../../compiler/check/index.js';
import { loadFile } from '../../compiler/loader/index.js';
import { checkCoreConfig, CoreConfigError, HXDP, XDP2HW } from '../../isa/index.js';
import { PROGRAMS } from '../core/sim-case.js';
import { simulateAgainstBound } from '../../cli/check-runs.js';
import { readPcapFile } from '../../simulator/pcap/index.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const fixture = (n: string) => loadFile(join(FIXTURES, `${n}.o`));
const program = (n: string) => loadFile(join(PROGRAMS, n, `${n}.o`));
const byKind = (fs: readonly Finding[], k: string) => fs.filter((f) => f.kind === k);

describe('check: obstacles in a program', () => {
  it('an unsupported helper is named with its instruction index and source line', () => {
    const obj = fixture('unsupported');
    for (const core of [HXDP, XDP2HW]) {
      const r = checkProgram(obj, { core });
      expect(r.fits).toBe(false);
      const [h] = byKind(r.findings, 'helper');
      const call = obj.programs[0].code.insns.findIndex((i) => i.kind === 'call' && i.id === 125);
      expect(h.index).toBe(call);
      expect(h.what).toMatch(/^helper bpf_ktime_get_boot_ns \(id 125\) is not in the helper unit of core /);
      expect(h.line).toMatch(/unsupported\.c:\d+: __u64 now = bpf_ktime_get_boot_ns\(\);/);
      expect(findingText(h)).toMatch(new RegExp(`^insn ${call} \\(.*bpf_ktime_get_boot_ns.*; fix: `));
      // hxdp chains no tail calls; xdp2hw links every program a prog array may name (depth 33)
      const tails = byKind(r.findings, 'tail-call');
      if (core === XDP2HW) expect(tails).toEqual([]);
      else {
        expect(tails[0].what).toMatch(/bpf_tail_call: core hxdp chains no tail calls/);
        expect(tails[0].line).toMatch(/bpf_tail_call\(ctx, &next_prog, len & 3\)/);
      }
    }
    const short = { ...XDP2HW, name: 'short', offload: { ...XDP2HW.offload!, tailCallDepth: 4 } };
    const [t] = byKind(checkProgram(obj, { core: short }).findings, 'tail-call');
    expect(t.what).toMatch(/^bpf_tail_call: core short chains at most 4 tail calls a packet, the kernel 33/);
  });

  it('a tail-call target\'s obstacles count: a helper only tc_pop calls, on a core without it, is its finding (the entry alone fits)', () => {
    const obj = loadFile(join(import.meta.dirname, '..', 'rtl', 'tail_chain', 'tail_chain.o'));
    const no44 = { ...XDP2HW, name: 'no44', offload: { ...XDP2HW.offload!, helpers: XDP2HW.offload!.helpers.filter((h) => h !== 44) } };
    expect(checkProgram(obj, { core: XDP2HW, lanes: 4 }).fits).toBe(true);
    const r = checkProgram(obj, { core: no44, lanes: 4 });
    expect(r.fits).toBe(false);
    const [h] = byKind(r.findings, 'helper');
    expect(h.what).toMatch(/^tail-call target tc_pop: helper bpf_xdp_adjust_head \(id 44\) is not in the helper unit of core no44/);
    expect(h.line).toMatch(/tail_chain\.c:\d+: .*bpf_xdp_adjust_head\(ctx, 14\)/);
    expect(r.usage.helpers).toEqual([1, 12, 44]);
    // a program that makes no tail call is checked alone
    expect(checkProgram(obj, { core: no44, lanes: 4, program: 'tc_tx' }).fits).toBe(true);
  });

  it('64-bit division and an LRU map do not fit hxdp (no divider, no LRU) but fit xdp2hw', () => {
    const obj = fixture('unsupported');
    const hx = checkProgram(obj, { core: HXDP });
    const [d] = byKind(hx.findings, 'insn');
    expect(d.what).toMatch(/^64-bit division \(div64\): core hxdp has no unit for it/);
    expect(obj.programs[0].code.insns[d.index!]).toMatchObject({ kind: 'alu', op: 'div', width: 64 });
    expect(byKind(hx.findings, 'map-type').map((f) => f.what)).toContainEqual(expect.stringMatching(/^map last_seen is a lru_hash/));
    const x2 = checkProgram(obj, { core: XDP2HW });
    expect(byKind(x2.findings, 'insn')).toEqual([]);
    expect(byKind(x2.findings, 'map-type').map((f) => f.what)).not.toContainEqual(expect.stringMatching(/last_seen/));
    // the same map as an lru_percpu_hash, which xdp2hw's RTL does not build: a finding, lru_hash offered
    const percpu = { ...obj, maps: obj.maps.map((m) => (m.name === 'last_seen' ? { ...m, type: 'lru_percpu_hash' as const } : m)) };
    const [p] = byKind(checkProgram(percpu, { core: XDP2HW }).findings, 'map-type');
    expect(p.what).toMatch(/^map last_seen is a lru_percpu_hash/);
    expect(p.fix).toMatch(/^lru_hash/);
  });

  it('a loop whose trip count comes from the packet is a finding, and no worst case is given for it', () => {
    const r = checkProgram(fixture('loop_var'), { core: XDP2HW });
    expect(r.findings.map((f) => f.kind)).toEqual(['loop']);
    expect(r.findings[0].line).toMatch(/loop_var\.c:\d+: for \(__u32 i = 0; i < n; i\+\+\)/);
    expect(r.findings[0].fix).toMatch(/#pragma unroll/);
    expect(r.wcet?.bounded).toBe(false);
  });

  it('a counted loop clang kept is bounded: 31 jumps back, every packet within the bound', () => {
    for (const core of [HXDP, XDP2HW])
      for (const lanes of [1, 4]) {
        const obj = fixture('loop');
        const r = checkProgram(obj, { core, lanes });
        expect(r.fits).toBe(true);
        if (!r.wcet?.bounded || !r.rows || !r.compiled) throw new Error('bounded loop expected');
        const w = r.wcet.wcet;
        expect(w.loops.map((l) => l.backEdges)).toEqual([31]);
        const packets = readPcapFile(join(PROGRAMS, 'xdp1', 'traffic.pcap')).slice(0, 100).map((p) => ({ data: p.data }));
        const sim = simulateAgainstBound(obj, r.rows, r.compiled, core, packets, undefined, 40)!;
        expect(sim.report.mismatches).toBe(0);
        expect(sim.runs.violations).toEqual([]);
        expect(sim.runs.maxSimulated).toBeLessThanOrEqual(w.cycles);
        // the whole loop (32 rounds) runs on every frame of 60 B or more: the bound is within the last round's break test
        expect(w.cycles - sim.runs.maxSimulated).toBeLessThanOrEqual(core.latency.takenBranch);
        for (const p of sim.paths) expect(p.issued.filter((x) => x.row === w.loops[0].from && x.taken)).toHaveLength(31);
      }
  });

  it('map memory beyond the budget names the largest map and how far to shrink it', () => {
    const r = checkProgram(program('simple_firewall'), { core: HXDP });
    const [m] = byKind(r.findings, 'map-memory');
    expect(m.what).toMatch(/^maps take 1185888 B; core hxdp has 65536 B of map memory \(largest: flows 1179648 B/);
    expect(m.fix).toMatch(/^lower max_entries of flows to at most \d+$/);
    const entries = Number(/at most (\d+)/.exec(m.fix)![1]);
    expect((entries + 1) * 72 + (1185888 - 1179648)).toBeGreaterThan(65536);
    expect(entries * 72 + (1185888 - 1179648)).toBeLessThanOrEqual(65536);
  });
});

/** A JSON core file (as --core FILE gives it): hxdp's preset with `change` applied to its offload block or fields. */
function coreFile(change: (c: Record<string, unknown>) => void) {
  const c = JSON.parse(JSON.stringify(HXDP)) as Record<string, unknown>;
  change(c);
  return checkCoreConfig(c);
}

describe('check: what the core offers, from CoreConfig', () => {
  it('rows beyond the instruction memory, stack beyond the core\'s, too many maps, a map flag, a missing multiplier', () => {
    const core = coreFile((c) => {
      c.imemRows = 20;
      c.stackBytes = 64;
      const o = c.offload as Record<string, unknown>;
      o.maxMaps = 1;
      o.mapFlags = 0;
      o.missingOps = ['mul64', 'div64'];
    });
    const r = checkProgram(program('router_ipv4'), { core });
    const kinds = new Set(r.findings.map((f) => f.kind));
    for (const k of ['rows', 'map-count', 'map-flags', 'map-type']) expect(kinds, k).toContain(k);
    expect(byKind(r.findings, 'rows')[0].what).toMatch(/^\d+ rows on 4 lanes; the instruction memory of core hxdp holds 20$/);
    expect(byKind(r.findings, 'map-flags')[0].what).toMatch(/map routes has map_flags BPF_F_NO_PREALLOC/);
    const l4 = checkProgram(program('l4lb'), { core });
    expect(byKind(l4.findings, 'stack')[0].what).toBe('the program uses 144 B of stack; core hxdp has 64 B');
    expect(byKind(l4.findings, 'insn').map((f) => f.what)).toContainEqual(expect.stringMatching(/^64-bit multiplication \(mul64\)/));
  });

  it('a helper the core file adds makes the program fit; the stack check agrees with the frame clang uses', () => {
    const core = coreFile((c) => {
      const o = c.offload as Record<string, unknown>;
      o.helpers = [...(o.helpers as number[]), 25];
      o.mapTypes = [...(o.mapTypes as string[]), 'perf_event_array'];
    });
    const r = checkProgram(program('xdp_sample'), { core });
    expect(r.findings).toEqual([]);
    expect(r.fits).toBe(true);
    expect(r.usage.stackBytes).toBe(40);
  });

  it('a core file without an offload block gets xdp2hw\'s; a bad one is refused by field', () => {
    const c = JSON.parse(JSON.stringify(HXDP)) as Record<string, unknown>;
    delete c.offload;
    expect(checkCoreConfig(c).offload).toBeUndefined();
    expect(checkProgram(program('xdp1'), { core: checkCoreConfig(c) }).usage.mapMemoryBytes).toBe(XDP2HW.offload!.mapMemoryBytes);
    expect(() => coreFile((x) => ((x.offload as Record<string, unknown>).missingOps = ['sqrt']))).toThrow(CoreConfigError);
    expect(() => coreFile((x) => ((x.offload as Record<string, unknown>).helpers = [-1]))).toThrow(/offload\.helpers/);
  });
});
