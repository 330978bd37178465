// Every engine that executes on the shared machine (interpreter, rows, core) runs a packet through
// the one simulator/xdp/run.ts: the same refusals, the same bpf_printk lines and perf-event samples,
// the same egress_ifindex rule. (The rows and core engines once kept copies that lost the last two.)

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble, encodeProgram } from '../../isa/index.js';
import { loadBytes } from '../../compiler/loader/index.js';
import { RunInputError } from '../../simulator/engine.js';
import type { RunResult } from '../../simulator/engine.js';
import { readPcapFile } from '../../simulator/pcap/index.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { loadProgram, testEngine } from './engines.js';

const MACHINE_ENGINES = ['interpreter', 'rows', 'core'] as const;

async function runAll(name: (typeof MACHINE_ENGINES)[number], obj: Parameters<ReturnType<typeof testEngine>['open']>[0], program: string, packets: Uint8Array[], fixture?: Parameters<ReturnType<typeof testEngine>['open']>[2]): Promise<RunResult[]> {
  const s = await testEngine(name).open(obj, program, fixture);
  try {
    const out: RunResult[] = [];
    for (const packet of packets) out.push(await s.run({ packet }));
    return out;
  } finally {
    await s.close();
  }
}

describe('one XDP run on the shared machine, whatever the engine', () => {
  it('perf-event samples (xdp_sample) are the same on interpreter, rows and core', async () => {
    const c = loadProgram(PROGRAMS_DIR, 'xdp_sample');
    const program = c.obj.programs[0].name;
    const packets = readPcapFile(join(c.dir, 'traffic.pcap')).map((r) => r.data).filter((d) => d.length >= 60).slice(0, 40);
    const [ref, ...others] = await Promise.all(MACHINE_ENGINES.map((e) => runAll(e, c.obj, program, packets, c.fixture)));
    expect(ref.some((r) => (r.perfEvents ?? []).length > 0)).toBe(true);
    for (const runs of others)
      runs.forEach((r, i) => {
        expect(r.action, `packet ${i}`).toBe(ref[i].action);
        expect(r.perfEvents, `packet ${i}`).toEqual(ref[i].perfEvents);
      });
  });

  it('bpf_printk lines reach the result on every engine', async () => {
    const obj = loadBytes(encodeProgram(assemble('stw [%r10-8], 0x6968\nmov %r1, %r10\nadd %r1, -8\nmov %r2, 3\ncall 6\nmov %r0, 2\nexit')), 'printk.bin');
    for (const e of MACHINE_ENGINES) {
      const [r] = await runAll(e, obj, obj.programs[0].name, [new Uint8Array(60)]);
      expect(r.trace, e).toEqual(['hi']);
    }
  });

  it('egress_ifindex is refused for a program that is not xdp/devmap, on every engine', async () => {
    const obj = loadBytes(encodeProgram(assemble('mov %r0, 2\nexit')), 'pass.bin');
    for (const e of MACHINE_ENGINES) {
      const s = await testEngine(e).open(obj, obj.programs[0].name);
      try {
        await expect(s.run({ packet: new Uint8Array(60), ctx: { egressIfindex: 3 } }), e).rejects.toThrow(RunInputError);
        expect(s.counters().refused, e).toBe(1);
      } finally {
        await s.close();
      }
    }
  });
});
