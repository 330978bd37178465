// Map operations from a program against this machine's kernel: random updates (every flag value,
// valid or not), deletes and lookups on small hash, per-CPU hash, array, per-CPU array and LPM
// trie maps; return codes, looked-up values and the maps must equal the kernel's.
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

const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-mapops-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SOURCE = `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
char _license[] SEC("license") = "GPL";
#define MAP(NAME, TYPE, K, FLAGS) struct { __uint(type, TYPE); __uint(max_entries, 8); __uint(map_flags, FLAGS); __type(key, K); __type(value, __u64); } NAME SEC(".maps")
struct lpm_key { __u32 prefixlen; __u8 addr[4]; };
MAP(hash, BPF_MAP_TYPE_HASH, __u32, 0);
MAP(phash, BPF_MAP_TYPE_PERCPU_HASH, __u32, 0);
MAP(arr, BPF_MAP_TYPE_ARRAY, __u32, 0);
MAP(parr, BPF_MAP_TYPE_PERCPU_ARRAY, __u32, 0);
MAP(lpm, BPF_MAP_TYPE_LPM_TRIE, struct lpm_key, BPF_F_NO_PREALLOC);
static __always_inline long op(void *map, __u8 o, void *key, void *lkey, __u64 v, __u64 flags) {
  long r = 0;
  if (o == 1) r = bpf_map_update_elem(map, key, &v, flags);
  else if (o == 2) r = bpf_map_delete_elem(map, key);
  __u64 *p = bpf_map_lookup_elem(map, lkey);
  if (p && o == 3) *p += 1;
  return ((-r) & 0xff) | ((p ? (*p & 0xff) + 1 : 0) << 8);
}
SEC("xdp") int mapops(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (data + 48 > end) return 0;
  __u8 which = *(__u8 *)(data + 14), o = *(__u8 *)(data + 15);
  __u64 flags = *(__u64 *)(data + 16), v = *(__u64 *)(data + 24);
  __u32 k = *(__u32 *)(data + 32), lk = *(__u32 *)(data + 36);
  struct lpm_key key = { .prefixlen = *(__u32 *)(data + 40) }, lkey = { .prefixlen = 32 };
  __builtin_memcpy(key.addr, data + 44, 4);
  __builtin_memcpy(lkey.addr, data + 36, 4);
  switch (which) {
  case 0: return op(&hash, o, &k, &lk, v, flags);
  case 1: return op(&phash, o, &k, &lk, v, flags);
  case 2: return op(&arr, o, &k, &lk, v, flags);
  case 3: return op(&parr, o, &k, &lk, v, flags);
  default: return op(&lpm, o, &key, &lkey, v, flags);
  }
}
`;

describe.skipIf(needs(toolMissing('clang'), kernelMissing()))('map operations = kernel', () => {
  it('hash, per-CPU hash, array, per-CPU array, LPM trie: 400 random operations', async () => {
    const c = join(tmp, 'mapops.c'), o = join(tmp, 'mapops.o');
    writeFileSync(c, SOURCE);
    execFileSync('clang', ['-O2', '-g', '-target', 'bpf', '-I/usr/include/x86_64-linux-gnu', '-c', c, '-o', o]);
    const obj = loadFile(o);
    const key = fc.oneof(fc.nat(12), fc.constantFrom(0xffffffff, 0x80000000));
    const addr = fc.constantFrom(0x0a000000, 0x0a010000, 0x0a010200, 0x0a0102ff, 0xc0a80001, 0);
    const ops = fc.sample(fc.record({
      which: fc.nat(4), op: fc.constantFrom(1, 1, 1, 2, 3), flags: fc.constantFrom(0, 0, 1, 2, 3, 4, 5, 2 ** 32),
      k: key, lk: fc.oneof(key, addr), plen: fc.oneof(fc.constantFrom(0, 8, 16, 24, 32, 33), fc.nat(40)), a: addr,
    }), { numRuns: 400, seed: 11 });
    const interp = new InterpreterSession(obj, 'mapops', undefined);
    const kernel = await new KernelEngine().open(obj, 'mapops');
    try {
      for (const [i, x] of ops.entries()) {
        const p = new Uint8Array(48);
        const v = new DataView(p.buffer);
        p[14] = x.which;
        p[15] = x.op;
        v.setBigUint64(16, BigInt(x.flags), true);
        v.setBigUint64(24, BigInt(i), true);
        v.setUint32(32, x.k, true);
        v.setUint32(36, x.lk, false);
        v.setUint32(40, x.plen, true);
        v.setUint32(44, x.a, false);
        const r = interp.runSync({ packet: p }, { snapshot: false });
        expect({ i, op: x, code: r.code }).toEqual({ i, op: x, code: (await kernel.run({ packet: p })).code });
      }
      expect(interp.host.maps.snapshot()).toEqual(await kernel.readMaps());
    } finally {
      await kernel.close();
    }
  });
});
