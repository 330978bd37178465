// LRU hash maps against this machine's kernel: a C program (clang at test time) updates, deletes
// and looks up random keys in a common-LRU, a per-CPU-value LRU and a BPF_F_NO_COMMON_LRU map of
// 16 entries; return codes and the maps after every packet must equal the kernel's.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFile } from '../../compiler/loader/index.js';
import { InterpreterSession } from '../../simulator/interpreter/engine.js';
import { KernelEngine } from '../../simulator/kernel/index.js';
import { kernelMissing, needs, toolMissing } from '../helpers/tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-lru-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SOURCE = `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
char _license[] SEC("license") = "GPL";
#define LRU(NAME, TYPE, FLAGS) struct { __uint(type, TYPE); __uint(max_entries, 16); __uint(map_flags, FLAGS); __type(key, __u32); __type(value, __u64); } NAME SEC(".maps")
LRU(common, BPF_MAP_TYPE_LRU_HASH, 0);
LRU(pcpu, BPF_MAP_TYPE_LRU_PERCPU_HASH, 0);
LRU(nocommon, BPF_MAP_TYPE_LRU_HASH, BPF_F_NO_COMMON_LRU);
static __always_inline long op(void *map, __u8 o, __u32 a, __u32 b, __u64 v) {
  long r;
  if (o == 3) r = bpf_map_delete_elem(map, &a);
  else r = bpf_map_update_elem(map, &a, &v, o == 2 ? BPF_NOEXIST : o == 4 ? BPF_EXIST : BPF_ANY);
  __u64 *p = bpf_map_lookup_elem(map, &b);
  return ((-r) & 0x3f) * 2 + (p != 0);
}
SEC("xdp") int lru(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (data + 32 > end) return 0;
  __u8 o = *(__u8 *)(data + 14);
  __u32 a = *(__u32 *)(data + 16), b = *(__u32 *)(data + 20);
  __u64 v = *(__u64 *)(data + 24);
  return op(&common, o, a, b, v) | (op(&pcpu, o, a, b, v) << 8) | (op(&nocommon, o, a, b, v) << 16);
}
`;

describe.skipIf(needs(toolMissing('clang'), kernelMissing()))('LRU hash = kernel', () => {
  it('random updates (ANY/NOEXIST/EXIST), deletes and lookups on 16-entry maps', async () => {
    const c = join(tmp, 'lru.c'), o = join(tmp, 'lru.o');
    writeFileSync(c, SOURCE);
    execFileSync('clang', ['-O2', '-g', '-target', 'bpf', '-I/usr/include/x86_64-linux-gnu', '-c', c, '-o', o]);
    const obj = loadFile(o);
    const ops = fc.sample(fc.tuple(fc.constantFrom(1, 1, 1, 1, 2, 3, 4), fc.nat(40), fc.nat(40)), { numRuns: 300, seed: 7 });
    const interp = new InterpreterSession(obj, 'lru', undefined);
    const kernel = await new KernelEngine().open(obj, 'lru');
    try {
      for (const [i, [op, a, b]] of ops.entries()) {
        const p = new Uint8Array(32);
        const v = new DataView(p.buffer);
        p[14] = op;
        v.setUint32(16, a, true);
        v.setUint32(20, b, true);
        v.setUint32(24, i, true);
        const x = interp.runSync({ packet: p });
        const k = await kernel.run({ packet: p });
        expect({ i, code: x.code }).toEqual({ i, code: k.code });
        if (i % 25 === 24) expect(x.maps).toEqual(k.maps);
      }
      expect(interp.host.maps.snapshot()).toEqual(await kernel.readMaps());
    } finally {
      await kernel.close();
    }
  });
});
