// bpf_perf_event_output (issue 10 item 2): return values against this machine's kernel over a grid
// of indexes, sample lengths and flag bits (the kernel's test run has no perf event open: -ENOENT
// where the call is valid), and what the interpreter records of each call (data, sample).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFile } from '../../compiler/loader/index.js';
import type { LoadedObject } from '../../compiler/loader/types.js';
import { InterpreterSession } from '../../simulator/interpreter/engine.js';
import { KernelEngine } from '../../simulator/kernel/index.js';
import { hostPossibleCpus } from '../../simulator/maps/lru.js';
import { Errno } from '../../simulator/maps/types.js';
import { kernelMissing, needs, toolMissing } from '../helpers/tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-perf-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Returns the helper's result; flags (u64) and the data length come from packet bytes 16-27. */
const SOURCE = `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
char _license[] SEC("license") = "GPL";
struct { __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY); __uint(key_size, 4); __uint(value_size, 4); } events SEC(".maps");
SEC("xdp") int perf(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  unsigned char meta[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
  if (data + 28 > end) return 99;
  __u64 flags = *(__u64 *)(data + 16);
  __u32 len = *(__u32 *)(data + 24);
  if (len > 16) len = 16;
  return bpf_perf_event_output(ctx, &events, flags, meta, len);
}
`;

function compile(): LoadedObject {
  const c = join(tmp, 'perf.c'), o = join(tmp, 'perf.o');
  writeFileSync(c, SOURCE);
  execFileSync('clang', ['-O2', '-g', '-target', 'bpf', '-I/usr/include/x86_64-linux-gnu', '-c', c, '-o', o]);
  return loadFile(o);
}

function packet(size: number, flags: bigint, len: number): Uint8Array {
  const p = Uint8Array.from({ length: size }, (_, i) => (i * 5 + 1) & 0xff);
  const v = new DataView(p.buffer);
  v.setBigUint64(16, flags, true);
  v.setUint32(24, len, true);
  return p;
}

const CURRENT_CPU = 0xffffffffn;
const sampleOf = (n: number) => BigInt(n) << 32n;

/** [packet size, flags, data length] */
function grid(): [number, bigint, number][] {
  const cpus = BigInt(hostPossibleCpus());
  const out: [number, bigint, number][] = [];
  for (const size of [60, 1500, 5000]) {
    for (const index of [CURRENT_CPU, 0n, cpus - 1n, cpus, 1000n]) {
      for (const sample of [0, 14, size, size + 1, 0xfffff]) out.push([size, index | sampleOf(sample), 8]);
    }
    out.push([size, CURRENT_CPU | (1n << 52n), 8], [size, CURRENT_CPU | (1n << 63n), 0], [size, CURRENT_CPU, 16]);
  }
  return out;
}

describe.skipIf(needs(toolMissing('clang'), kernelMissing()))('bpf_perf_event_output = kernel', () => {
  it('return values over indexes, sample lengths (multi-buffer packets too) and flag bits', async () => {
    const obj = compile();
    const interp = new InterpreterSession(obj, 'perf', undefined);
    const kernel = await new KernelEngine().open(obj, 'perf', undefined);
    const seen = new Set<number>();
    try {
      for (const [size, flags, len] of grid()) {
        const p = packet(size, flags, len);
        const k = await kernel.run({ packet: p });
        const i = interp.runSync({ packet: p });
        expect({ size, flags: flags.toString(16), code: i.code, trap: i.trap }).toEqual({ size, flags: flags.toString(16), code: k.code, trap: undefined });
        seen.add(k.code | 0);
      }
    } finally {
      await kernel.close();
    }
    // the grid reaches every outcome the kernel has here
    expect([...seen].sort((a, b) => a - b)).toEqual([-Errno.EINVAL, -Errno.EFAULT, -Errno.E2BIG, -Errno.ENOENT].sort((a, b) => a - b));
  }, 60_000);
});

describe('bpf_perf_event_output in the interpreter', () => {
  it.skipIf(needs(toolMissing('clang')))('records the data and the packet sample of each call, with the return value', () => {
    const obj = compile();
    const s = new InterpreterSession(obj, 'perf', undefined);
    const p = packet(5000, CURRENT_CPU | sampleOf(4000), 16);
    const r = s.runSync({ packet: p });
    expect(r.code | 0).toBe(-Errno.ENOENT);
    expect(r.perfEvents).toHaveLength(1);
    const e = r.perfEvents![0];
    expect({ map: e.map, index: e.index, ret: e.ret, packetLen: e.packetLen }).toEqual({ map: 'events', index: 0, ret: -Errno.ENOENT, packetLen: 5000 });
    expect([...e.data]).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(e.sample).toEqual(p.subarray(0, 4000)); // across the linear part and a fragment
    expect(s.runSync({ packet: packet(60, CURRENT_CPU | sampleOf(61), 8) }).perfEvents![0].sample).toHaveLength(0); // EFAULT: nothing sampled
    expect(s.runSync({ packet: packet(60, CURRENT_CPU, 8), ctx: {} }).perfEvents).toHaveLength(1);
    expect(s.runSync({ packet: new Uint8Array(20) }).perfEvents).toBeUndefined();
  });
});
