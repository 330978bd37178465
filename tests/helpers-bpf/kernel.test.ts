// Helpers against this machine's kernel: C programs compiled with clang at test time run in the
// kernel (the KernelEngine oracle) and in the interpreter on the same packets: adjust_head/_meta/_tail
// over a grid of offsets (also on multi-buffer packets), load/store_bytes, csum_diff on random
// data, and the tail-call limit.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFile } from '../../compiler/loader/index.js';
import type { LoadedObject } from '../../compiler/loader/types.js';
import { InterpreterSession } from '../../simulator/interpreter/engine.js';
import { KernelEngine } from '../../simulator/kernel/index.js';
import { bytesToHex } from '../../simulator/maps/fixture.js';
import type { MapFixture } from '../../simulator/maps/fixture.js';
import { kernelMissing, needs, toolMissing } from '../helpers/tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-helpers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const HEADER = '#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\nchar _license[] SEC("license") = "GPL";\n';

function compile(name: string, source: string): LoadedObject {
  const c = join(tmp, `${name}.c`), o = join(tmp, `${name}.o`);
  writeFileSync(c, HEADER + source);
  execFileSync('clang', ['-O2', '-g', '-target', 'bpf', '-I/usr/include/x86_64-linux-gnu', '-c', c, '-o', o]);
  return loadFile(o);
}

/** Runs every packet in both engines and expects the same return code and output packet. */
async function same(obj: LoadedObject, packets: Uint8Array[], fixture?: MapFixture): Promise<void> {
  const prog = obj.programs[0].name;
  const interp = new InterpreterSession(obj, prog, fixture);
  const kernel = await new KernelEngine().open(obj, prog, fixture);
  try {
    for (const [i, p] of packets.entries()) {
      const a = interp.runSync({ packet: p });
      const b = await kernel.run({ packet: p });
      expect({ i, code: a.code, packet: bytesToHex(a.packet), trap: a.trap }).toEqual({ i, code: b.code, packet: bytesToHex(b.packet), trap: undefined });
    }
    expect(interp.host.maps.snapshot()).toEqual(await kernel.readMaps());
  } finally {
    await kernel.close();
  }
}

/** A packet of `size` bytes: byte 14 = op, bytes 16-19 = s32 argument, the rest a pattern. */
function opPacket(op: number, arg: number, size: number): Uint8Array {
  const p = Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) & 0xff);
  p[14] = op;
  new DataView(p.buffer).setInt32(16, arg, true);
  return p;
}

describe.skipIf(needs(toolMissing('clang'), kernelMissing()))('helpers = kernel', () => {
  it('adjust_head / adjust_meta / adjust_tail and metadata writes over a grid of offsets', async () => {
    const obj = compile('adjust', `
SEC("xdp") int adjust(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (data + 20 > end) return 99;
  unsigned char op = *(unsigned char *)(data + 14);
  int arg = *(int *)(data + 16);
  long r = 7;
  if (op == 1) r = bpf_xdp_adjust_head(ctx, arg);
  else if (op == 2) r = bpf_xdp_adjust_tail(ctx, arg);
  else if (op == 3) r = bpf_xdp_adjust_meta(ctx, arg);
  else if (op == 4) {
    r = bpf_xdp_adjust_meta(ctx, arg);
    void *m = (void *)(long)ctx->data_meta, *d = (void *)(long)ctx->data;
    if (m + 4 <= d) *(unsigned int *)m = 0xdeadbeef;
  } else if (op == 5) {
    r = bpf_xdp_adjust_meta(ctx, -8);
    if (!r) r = bpf_xdp_adjust_head(ctx, arg);
  } else if (op == 6) {
    r = bpf_xdp_adjust_head(ctx, arg);
    data = (void *)(long)ctx->data; end = (void *)(long)ctx->data_end;
    if (data + 4 <= end) *(unsigned int *)data = 0x01020304;
  }
  return r;
}`);
    const packets: Uint8Array[] = [];
    for (const arg of [-300, -256, -217, -216, -215, -100, -1, 0, 1, 49, 50, 51, 60]) packets.push(opPacket(1, arg, 64), opPacket(6, arg, 64));
    for (const arg of [-51, -50, -1, 0, 1, 100, 3455, 3456, 3457, 5000]) packets.push(opPacket(2, arg, 64));
    for (const arg of [-4000, -1, 0, 100, 4096 - 1480, 4097 - 1480]) packets.push(opPacket(2, arg, 5000));
    for (const arg of [-300, -256, -252, -220, -216, -36, -32, -5, -4, -3, 0, 4]) packets.push(opPacket(3, arg, 64), opPacket(4, arg, 64));
    for (const arg of [-209, -208, -207, -1, 4, 50]) packets.push(opPacket(5, arg, 64));
    await same(obj, packets);
  });

  it('load_bytes / store_bytes / get_buff_len, also across fragments', async () => {
    const obj = compile('bytes', `
SEC("xdp") int bytes(struct xdp_md *ctx) {
  unsigned char buf[16];
  void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (data + 20 > end) return 99;
  unsigned int off = *(unsigned short *)(data + 16);
  long r = bpf_xdp_load_bytes(ctx, off, buf, sizeof(buf));
  if (r) return r;
  for (int i = 0; i < 16; i++) buf[i] ^= 0xff;
  r = bpf_xdp_store_bytes(ctx, off + 3, buf, sizeof(buf));
  if (r) return r;
  return bpf_xdp_get_buff_len(ctx);
}`);
    const packets = [20, 64, 100, 3500, 3510, 3519, 4984, 4985, 0xffff].map((off) => opPacket(0, off, off > 5000 ? 100 : 5000));
    packets.push(opPacket(0, 40, 64), opPacket(0, 45, 64), opPacket(0, 46, 64));
    await same(obj, packets);
  });

  it('csum_diff on random sizes, data and seeds', async () => {
    const obj = compile('csum', `
struct big { unsigned char v[2048]; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct big); } scratch SEC(".maps");
SEC("xdp") int csum(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (data + 24 > end) return 99;
  __u32 fs = *(__u16 *)(data + 14) & 0x3ff, ts = *(__u16 *)(data + 16) & 0x3ff, seed = *(__u32 *)(data + 18), k = 0;
  struct big *b = bpf_map_lookup_elem(&scratch, &k);
  if (!b) return 98;
  if (bpf_xdp_load_bytes(ctx, 24, b->v, 2048)) return 97;
  long r = bpf_csum_diff((void *)b->v, fs, (void *)(b->v + 1024), ts, seed);
  bpf_xdp_store_bytes(ctx, 0, &r, 8);
  return 2;
}`);
    const cases = fc.sample(fc.tuple(fc.nat(1023), fc.nat(1023), fc.nat(0xffffffff), fc.uint8Array({ minLength: 2048, maxLength: 2048 })), { numRuns: 40, seed: 42 });
    await same(obj, cases.map(([fs, ts, seed, data]) => {
      const p = new Uint8Array(24 + 2048);
      const v = new DataView(p.buffer);
      v.setUint16(14, fs, true);
      v.setUint16(16, ts, true);
      v.setUint32(18, seed, true);
      p.set(data, 24);
      return p;
    }));
  });

  it('tail calls: 33 at most, then the call falls through', async () => {
    const obj = compile('tail', `
struct { __uint(type, BPF_MAP_TYPE_PROG_ARRAY); __uint(max_entries, 2); __type(key, __u32); __type(value, __u32); } jmp SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64); } count SEC(".maps");
SEC("xdp") int tail(struct xdp_md *ctx) {
  __u32 k = 0;
  __u64 *c = bpf_map_lookup_elem(&count, &k);
  if (c) *c += 1;
  bpf_tail_call(ctx, &jmp, 0);
  return XDP_PASS;
}`);
    await same(obj, [opPacket(0, 0, 64), opPacket(0, 0, 64)], { maps: { jmp: { entries: [{ key: '00000000', program: 'tail' }] } } });
  });

  it('bpf_loop: the callback runs per iteration with its context, stops on 1, returns the count', async () => {
    const obj = compile('loop', `
struct lctx { struct xdp_md *xdp; __u32 sum; __u32 stop; };
static long step(__u64 i, void *p) {
  struct lctx *c = p;
  void *data = (void *)(long)c->xdp->data, *end = (void *)(long)c->xdp->data_end;
  if (data + i + 1 > end || i >= 64) return 1;
  c->sum += *(__u8 *)(data + (i & 63));
  return c->sum > c->stop;
}
SEC("xdp") int loop(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (data + 20 > end) return 0;
  struct lctx c = { .xdp = ctx, .sum = 0, .stop = *(__u32 *)(data + 16) };
  long n = bpf_loop(*(__u8 *)(data + 14), step, &c, 0);
  return (n & 0xff) | (c.sum << 8);
}`);
    await same(obj, [opPacket(10, 100000, 64), opPacket(200, 100000, 64), opPacket(50, 300, 64), opPacket(0, 0, 64), opPacket(5, 0, 64)]);
  });

  it('redirect and redirect_map (devmap, devmap_hash, cpumap): keys, fallback actions, flags', async () => {
    const obj = compile('redir', `
struct { __uint(type, BPF_MAP_TYPE_DEVMAP); __uint(max_entries, 4); __type(key, __u32); __type(value, __u32); } dm SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_DEVMAP_HASH); __uint(max_entries, 4); __type(key, __u32); __type(value, __u32); } dh SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_CPUMAP); __uint(max_entries, 2); __type(key, __u32); __type(value, __u32); } cm SEC(".maps");
SEC("xdp") int redir(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (data + 32 > end) return 0;
  __u8 which = *(__u8 *)(data + 14);
  __u32 key = *(__u32 *)(data + 16);
  __u64 flags = *(__u64 *)(data + 24);
  if (which == 0) return bpf_redirect_map(&dm, key, flags);
  if (which == 1) return bpf_redirect_map(&dh, key, flags);
  if (which == 2) return bpf_redirect_map(&cm, key, flags);
  return bpf_redirect(key, flags);
}`);
    const packet = (which: number, key: number, flags: bigint) => {
      const p = opPacket(which, key, 64);
      new DataView(p.buffer).setBigUint64(24, flags, true);
      return p;
    };
    const packets: Uint8Array[] = [];
    for (const which of [0, 1, 2, 3])
      for (const key of [0, 1, 3, 7, 9])
        for (const flags of [0n, 1n, 2n, 3n, 4n, 8n, 8n | 16n, 16n, 1n << 32n]) packets.push(packet(which, key, flags));
    await same(obj, packets, { maps: {
      // slot 3's ifindex 0 leaves it empty (the kernel stores no device)
      dm: { entries: [{ key: '01000000', value: '05000000' }, { key: '03000000', value: '00000000' }] },
      dh: { entries: [{ key: '07000000', value: '03000000' }] },
      cm: { entries: [{ key: '01000000', value: 'c0000000' }] },
    } });
  });

  it('a tail call from a subprogram: the target returns to the subprogram\'s caller', async () => {
    const obj = compile('subtail', `
struct { __uint(type, BPF_MAP_TYPE_PROG_ARRAY); __uint(max_entries, 2); __type(key, __u32); __type(value, __u32); } jmp SEC(".maps");
static __noinline int sub(struct xdp_md *ctx, int k) {
  volatile int fallback = 40; /* so that clang cannot fold sub's return value into entry */
  bpf_tail_call(ctx, &jmp, k);
  return fallback;
}
SEC("xdp") int entry(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (data + 15 > end) return 0;
  int k = *(unsigned char *)(data + 14);
  int r = sub(ctx, k);
  return r + 1;
}
SEC("xdp") int target(struct xdp_md *ctx) { return 2; }`);
    const fixture = { maps: { jmp: { entries: [{ key: '00000000', program: 'target' }] } } };
    expect(obj.programs[0].name).toBe('entry');
    await same(obj, [opPacket(0, 0, 64), opPacket(1, 0, 64)], fixture);
    const s = new InterpreterSession(obj, 'entry', fixture);
    expect([0, 1].map((k) => s.runSync({ packet: opPacket(k, 0, 64) }).code)).toEqual([3, 41]);
  });
});
