// Every engine of the registry (simulator/engines.ts) offers the same session: maps written and
// read back as snapshots, the map-free fast path, refused inputs as RunInputError, counters, and a
// pcap summary (runPcap) that agrees between engines on actions and every output packet.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunInputError } from '../../simulator/engine.js';
import type { MapsSnapshot } from '../../simulator/engine.js';
import { createEngine, ENGINE_NAMES } from '../../simulator/engines.js';
import { runPcap } from '../../simulator/pcap-run.js';
import { RtlSession } from '../../simulator/rtl/engine.js';
import type { PcapRunSummary } from '../../simulator/pcap-run.js';
import { readPcapFile } from '../../simulator/pcap/index.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { kernelMissing, needs } from '../helpers/tools.js';
import { mapDifferences } from './compare.js';
import { EngineSet, loadProgram, testEngine } from './engines.js';

const c = loadProgram(PROGRAMS_DIR, 'router_ipv4');
const program = c.obj.programs[0].name;
const firstPacket = readPcapFile(join(c.dir, 'traffic.pcap')).find((r) => r.data.length >= 14)!.data;
/** Why an engine sits out the sessions below: the kernel when this machine has none. */
const skip = (name: string) => (name === 'kernel' ? kernelMissing() : undefined);

/** 300 packets of router_ipv4 in Icarus, one simulator process (and its build) */
const RTL_PCAP_MS = 120_000;
const compared = ENGINE_NAMES.filter((n) => n !== 'rtl');
const summaries = new Map<string, PcapRunSummary>();
/** katran_lb's ch_rings: a 33,554,944-entry array, stored sparsely (maps/sparse.ts) */
const katran = loadProgram(PROGRAMS_DIR, 'katran_lb');
const katranProgram = katran.obj.programs[0].name;
/** a ring slot the fixture leaves zero */
const SLOT = 'ffff0001';
const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

for (const name of ENGINE_NAMES) {
  describe.skipIf(needs(skip(name)))(`engine session [${name}]`, () => {
    it('writeMaps makes the named maps hold exactly the snapshot (update, add, delete); others stay', async () => {
      const s = await testEngine(name).open(c.obj, program, c.fixture);
      try {
        const before = await s.readMaps();
        const [first, second, ...rest] = before.neighbours;
        expect(rest.length).toBeGreaterThan(0);
        const want: MapsSnapshot = {
          neighbours: [{ key: first.key, value: 'ff'.repeat(16) }, ...rest, { key: 'c0a80001', value: '11'.repeat(16) }]
            .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
        };
        await s.writeMaps(want);
        const after = await s.readMaps();
        expect(after.neighbours).toEqual(want.neighbours);
        expect(after.neighbours.some((e) => e.key === second.key)).toBe(false);
        expect(after.routes).toEqual(before.routes);
        await s.writeMaps({ neighbours: before.neighbours });
        expect(await s.readMaps()).toEqual(before);
      } finally {
        await s.close();
      }
    });

    it('runs without a snapshot on request, refuses a 10-byte frame as RunInputError, and counts both', async () => {
      const s = await testEngine(name).open(c.obj, program, c.fixture);
      try {
        expect(s.engine).toBe(name);
        expect(s.counters()).toMatchObject({ runs: 0, refused: 0 });
        const fast = await s.run({ packet: firstPacket }, { snapshot: false });
        expect(fast.maps).toEqual({});
        const full = await s.run({ packet: firstPacket });
        expect(Object.keys(full.maps)).toContain('neighbours');
        expect(full.action).toBe(fast.action);
        await expect(s.run({ packet: new Uint8Array(10) })).rejects.toBeInstanceOf(RunInputError);
        const n = s.counters();
        expect(n).toMatchObject({ runs: 2, refused: 1 });
        // the kernel and the RTL do not count instructions
        if (name !== 'kernel' && name !== 'rtl') expect(n.insnsExecuted).toBe((fast.insnsExecuted ?? 0) + (full.insnsExecuted ?? 0));
      } finally {
        await s.close();
      }
    });

    it('writeMaps on a sparse array: a new slot is listed, and one the snapshot leaves out goes back to zero', async () => {
      const s = await testEngine(name).open(katran.obj, katranProgram, katran.fixture);
      try {
        const before = await s.readMaps();
        expect(before.ch_rings.some((e) => e.key === SLOT)).toBe(false);
        const want = [...before.ch_rings.slice(1), { key: SLOT, value: '07000000' }].sort(byKey);
        await s.writeMaps({ ch_rings: want });
        expect((await s.readMaps()).ch_rings).toEqual(want);
        await s.writeMaps({ ch_rings: before.ch_rings });
        expect(await s.readMaps()).toEqual(before);
      } finally {
        await s.close();
      }
    });

    it('runPcap streams 300 packets of the traffic through the session', async () => {
      const s = await testEngine(name).open(c.obj, program, c.fixture);
      try {
        // the RTL runs the trace in one simulator process, as `run --engine rtl --pcap` does (prime)
        if (s instanceof RtlSession) await s.prime(readPcapFile(join(c.dir, 'traffic.pcap')).slice(0, 300).map((r) => ({ packet: r.data, ctx: {} })), { snapshot: false });
        const sum = await runPcap(s, join(c.dir, 'traffic.pcap'), { maxPackets: 300 });
        expect(sum.engine).toBe(name);
        expect(sum.packets + sum.refused.total).toBe(300);
        expect(sum.outputSha256).toMatch(/^[0-9a-f]{64}$/);
        expect(sum.insns === undefined).toBe(name === 'kernel' || name === 'rtl');
        summaries.set(name, sum);
      } finally {
        await s.close();
      }
    }, name === 'rtl' ? RTL_PCAP_MS : undefined);
  });
}

describe.skipIf(needs(kernelMissing()))('engines agree on a trace', () => {
  it('every engine gives the same actions, refusals, bytes and output digest as the first', () => {
    const [ref, ...others] = compared.map((n) => summaries.get(n));
    expect(ref).toBeDefined();
    for (const o of others) {
      expect(o).toBeDefined();
      const pick = (x: PcapRunSummary) => ({ packets: x.packets, refused: x.refused, actions: x.actions, outBytes: x.outBytes, outputSha256: x.outputSha256 });
      expect(pick(o!)).toEqual(pick(ref!));
    }
  });
});

describe.skipIf(needs(kernelMissing()))('engines that look large arrays up by key', () => {
  it('are told the keys another engine lists, so a slot only one engine holds shows as a difference', async () => {
    const set = await EngineSet.open([createEngine('kernel'), createEngine('interpreter')], katran.obj, katranProgram, katran.fixture);
    try {
      const [kernel, interp] = set.sessions;
      expect(kernel.watch).toBeDefined();
      const before = await interp.readMaps();
      await interp.writeMaps({ ch_rings: [...before.ch_rings, { key: SLOT, value: '07000000' }].sort(byKey) });
      const packet = readPcapFile(join(katran.dir, 'traffic.pcap')).find((r) => r.data.length >= 14)!.data;
      const [k, i] = await set.run({ packet, label: 'katran #0' });
      expect(k.kind === 'ran' && i.kind === 'ran').toBe(true);
      if (k.kind !== 'ran' || i.kind !== 'ran') return;
      expect(kernel.watch!('ch_rings', [SLOT])).toBe(0);
      expect(mapDifferences(k.result.maps, i.result.maps).other).toEqual([`ch_rings[${SLOT}] = 07000000`]);
    } finally {
      await set.close();
    }
  });
});
