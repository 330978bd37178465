// simulator/cosim.ts's comparison itself, without a simulator: the RTL side replaced by the
// TypeScript core's own results with one field changed, which cosim must name (a redirect_map's
// key or map, a bpf_redirect's ifindex, a perf record's bytes), and nothing when all agree.

import { describe, expect, it } from 'vitest';
import { XDP2HW } from '../../isa/index.js';
import { cosimulate } from '../../simulator/cosim.js';
import type { RunInput, RunResult } from '../../simulator/engine.js';
import type { RtlRun, RtlSession } from '../../simulator/rtl/engine.js';
import { programCase, sessionsTs } from './case.js';

/** An RTL session that answers with the core's own results, each changed by `change`. */
async function fakeRtl(name: string, change: (r: RunResult) => void): Promise<RtlSession> {
  const c = programCase(name);
  const mirror = await sessionsTs(c, XDP2HW, 2);
  return {
    async runBatch(part: readonly RunInput[]): Promise<RtlRun[]> {
      return part.map((input) => {
        const result = mirror.runSync(input);
        change(result);
        return { result, cycles: mirror.pipeline.cycles };
      });
    },
  } as unknown as RtlSession;
}

describe('cosim compares the redirect target and perf records', () => {
  it('redirect_map: a different key or map is a mismatch named redirect; the same target is none', async () => {
    const c = programCase('redirect_map', 30);
    const ts = await sessionsTs(c, XDP2HW, 2);
    const same = await cosimulate(ts, await fakeRtl('redirect_map', () => {}), 'fake', c.inputs);
    expect(same.firstMismatches).toEqual([]);
    const redirected = c.inputs.filter((i) => ts.runSync(i).code === 4).length;
    expect(redirected).toBeGreaterThan(0);
    const key = await cosimulate(await sessionsTs(c, XDP2HW, 2), await fakeRtl('redirect_map', (r) => {
      if (r.redirect?.key !== undefined) r.redirect = { ...r.redirect, key: r.redirect.key + 1 };
    }), 'fake', c.inputs);
    expect(key.mismatches).toBe(redirected);
    expect(key.firstMismatches[0]).toMatchObject({ field: 'redirect', core: expect.stringMatching(/^map tx_ports key \d+$/) });
    const ifindex = await cosimulate(await sessionsTs(c, XDP2HW, 2), await fakeRtl('redirect_map', (r) => {
      if (r.code === 4) r.redirect = { ifindex: 3 };
    }), 'fake', c.inputs);
    expect(ifindex.firstMismatches[0]).toMatchObject({ field: 'redirect', rtl: 'ifindex 3' });
  });

  it('xdp_sample: a perf record whose bytes or result differ is a mismatch named perf', async () => {
    const c = programCase('xdp_sample', 20);
    const flip = await cosimulate(await sessionsTs(c, XDP2HW, 2), await fakeRtl('xdp_sample', (r) => {
      for (const e of r.perfEvents ?? []) e.data = Uint8Array.from(e.data, (b, i) => (i === 0 ? b ^ 1 : b));
    }), 'fake', c.inputs);
    expect(flip.mismatches).toBeGreaterThan(0);
    expect(flip.firstMismatches[0]).toMatchObject({ field: 'perf' });
    const lost = await cosimulate(await sessionsTs(c, XDP2HW, 2), await fakeRtl('xdp_sample', (r) => {
      delete r.perfEvents;
    }), 'fake', c.inputs);
    expect(lost.firstMismatches[0]).toMatchObject({ field: 'perf', rtl: 'none' });
  });
});
