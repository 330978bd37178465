// Helpers: csum_diff (vectors measured on this machine's kernel, and a property against the
// ones'-complement sum of 16-bit words), fib_lookup from fixture routes, load/store_bytes and
// adjust_* seen from a program, map helpers' return codes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csumDiff } from '../../simulator/helpers/csum.js';
import { AF_INET, AF_INET6, Fib, FibRet, compileRoutes, fibLookup } from '../../simulator/helpers/fib.js';
import { parseIpv6 } from '../../simulator/net/addr.js';
import { InterpreterSession } from '../../simulator/interpreter/engine.js';
import { FixtureError } from '../../simulator/maps/fixture.js';
import { Errno } from '../../simulator/maps/types.js';
import { mapDef, object, program, udpPacket } from '../interpreter/objects.js';

/** The data of the measured vectors: 2048 bytes, byte i = (i * 37 + 11) & 0xff. */
const DATA = Uint8Array.from({ length: 2048 }, (_, i) => (i * 37 + 11) & 0xff);

describe('csum_diff', () => {
  // [from size, to size, seed, result] measured with bpftool prog run on kernel 6.18 (kernel.test.ts re-measures)
  const VECTORS: [number, number, number, number][] = [
    [4, 4, 0, 0xffff], [0, 8, 0, 0x7de9], [8, 0, 0, 0x8216], [12, 16, 0x12345678, 0x8b85], [0, 0, 0xffffffff, 0xffff], [0, 0, 0, 0],
    [3, 4, 0, 0x7a00], [516, 0, 0, 0xd51f], [256, 260, 0, 0xaa60], [1020, 1020, 0xdeadbeef, 0x9d9d], [5, 0, 1, 0x5501], [0, 7, 0xfffffff0, 0x6fda],
  ];
  for (const [fs, ts, seed, want] of VECTORS)
    it(`from ${fs} bytes, to ${ts} bytes, seed 0x${seed.toString(16)}`, () =>
      expect(csumDiff(DATA.subarray(0, fs), DATA.subarray(1024, 1024 + ts), seed)).toBe(want));

  const sum16 = (b: Uint8Array) => {
    let s = 0;
    for (let i = 0; i < b.length; i += 2) s += b[i] | ((b[i + 1] ?? 0) << 8);
    return s;
  };

  it('is seed + sum(to) - sum(from) in ones-complement 16-bit arithmetic', () =>
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), fc.nat(0xffffffff), (from, to, seed) => {
      const r = csumDiff(from, to, seed);
      expect(r).toBeGreaterThanOrEqual(0);
      expect(r).toBeLessThanOrEqual(0xffff);
      const want = (((seed % 0xffff) + sum16(to) - sum16(from)) % 0xffff + 0xffff) % 0xffff;
      expect(r % 0xffff).toBe(want);
    })));
});

describe('fib_lookup', () => {
  const routes = compileRoutes([
    { dst: '10.0.0.0/8', ifindex: 2, smac: '020000000002', dmac: '02000000aa02' },
    { dst: '10.1.0.0/16', ifindex: 3, smac: '020000000003', dmac: '02000000aa03' },
    { dst: '10.2.0.0/16', ifindex: 4, smac: '000000000000', dmac: '000000000000', result: FibRet.NO_NEIGH },
    { dst: '10.3.0.0/16', ifindex: 4, smac: '000000000000', dmac: '000000000000', result: 1 },
    { dst: '2001:db8::/32', ifindex: 5, smac: '020000000005', dmac: '02000000aa05' },
  ]);
  const params = (family: number, dst: number[], totLen = 100) => {
    const p = new Uint8Array(Fib.SIZE);
    p[Fib.family] = family;
    p.set([totLen & 0xff, totLen >> 8], Fib.tot_len);
    p[Fib.ifindex] = 1;
    p.set(dst, Fib.ipv4_dst);
    return p;
  };

  it('longest prefix first; success fills ifindex, MACs and the MTU', () => {
    const p = params(AF_INET, [10, 1, 2, 3]);
    expect(fibLookup(routes, p, 0)).toBe(FibRet.SUCCESS);
    expect(p[Fib.ifindex]).toBe(3);
    expect([...p.subarray(Fib.smac, Fib.smac + 6)]).toEqual([2, 0, 0, 0, 0, 3]);
    expect([...p.subarray(Fib.dmac, Fib.dmac + 6)]).toEqual([2, 0, 0, 0, 0xaa, 3]);
    expect(p[Fib.mtu_result] | (p[Fib.mtu_result + 1] << 8)).toBe(1500);
    const q = params(AF_INET, [10, 9, 9, 9]);
    expect(fibLookup(routes, q, 0)).toBe(FibRet.SUCCESS);
    expect(q[Fib.ifindex]).toBe(2);
  });

  it('IPv6, no route, route results, MTU, flags, family, ifindex 0', () => {
    const v6 = params(AF_INET6, [...parseIpv6('2001:db8::1')!]);
    expect(fibLookup(routes, v6, 0)).toBe(FibRet.SUCCESS);
    expect(v6[Fib.ifindex]).toBe(5);
    expect(fibLookup(routes, params(AF_INET, [11, 0, 0, 1]), 0)).toBe(FibRet.NOT_FWDED);
    const nn = params(AF_INET, [10, 2, 0, 1]);
    expect(fibLookup(routes, nn, 0)).toBe(FibRet.NO_NEIGH);
    expect(nn[Fib.ifindex]).toBe(4);
    expect(nn[Fib.dmac]).toBe(0);
    expect(fibLookup(routes, params(AF_INET, [10, 3, 0, 1]), 0)).toBe(1);
    const big = params(AF_INET, [10, 1, 0, 1], 1501);
    expect(fibLookup(routes, big, 0)).toBe(FibRet.FRAG_NEEDED);
    expect(big[Fib.mtu_result] | (big[Fib.mtu_result + 1] << 8)).toBe(1500);
    expect(fibLookup(routes, params(AF_INET, [10, 1, 0, 1]), 0x40)).toBe(-Errno.EINVAL);
    expect(fibLookup(routes, params(7, [10, 1, 0, 1]), 0)).toBe(-Errno.EAFNOSUPPORT);
    const noDev = params(AF_INET, [10, 1, 0, 1]);
    noDev[Fib.ifindex] = 0;
    expect(fibLookup(routes, noDev, 0)).toBe(-Errno.ENODEV);
  });

  it('bad routes are fixture errors', () => {
    expect(() => compileRoutes([{ dst: '10.0.0/8', ifindex: 2, smac: '', dmac: '' }])).toThrow(FixtureError);
    expect(() => compileRoutes([{ dst: '10.0.0.0/33', ifindex: 2, smac: '', dmac: '' }])).toThrow(/bad prefix length/);
  });

  it('from a program: the struct on the stack, plen checked', () => {
    const asm = (plen: number) => `
      mov %r6, %r1
      mov %r2, %r10
      add %r2, -64
      stdw [%r10-64], 0
      stdw [%r10-56], 0
      stdw [%r10-48], 0
      stdw [%r10-40], 0
      stdw [%r10-32], 0
      stdw [%r10-24], 0
      stdw [%r10-16], 0
      stdw [%r10-8], 0
      stb [%r10-64], 2
      stw [%r10-56], 1
      stw [%r10-32], 0x0201010a
      mov %r3, ${plen}
      mov %r4, 0
      call 69
      jne %r0, 0, +1
      ldxw %r0, [%r10-56]
      exit`;
    const fixture = { maps: {}, fib: [{ dst: '10.1.0.0/16', ifindex: 3, smac: '020000000003', dmac: '02000000aa03' }] };
    const run = (plen: number) => new InterpreterSession(object([program('p', asm(plen))]), 'p', fixture).runSync({ packet: udpPacket() }).code;
    expect(run(64)).toBe(3);
    expect(run(63)).toBe(2 ** 32 - Errno.EINVAL);
  });
});

describe('helpers from programs', () => {
  const run = (asm: string, packet = udpPacket()) => new InterpreterSession(object([program('p', asm)]), 'p', undefined).runSync({ packet });

  it('xdp_load_bytes / xdp_store_bytes / xdp_get_buff_len', () => {
    const asm = `
      mov %r6, %r1
      mov %r2, 34
      mov %r3, %r10
      add %r3, -8
      mov %r4, 8
      call 189
      ldxdw %r1, [%r10-8]
      add %r1, 1
      stxdw [%r10-8], %r1
      mov %r1, %r6
      mov %r2, 0
      mov %r3, %r10
      add %r3, -8
      mov %r4, 8
      call 190
      mov %r1, %r6
      call 188
      exit`;
    const r = run(asm, udpPacket(70));
    expect(r.code).toBe(70);
    expect([...r.packet.subarray(0, 8)]).toEqual([35, 35, 36, 37, 38, 39, 40, 41]);
    expect(run('mov %r2, 63\nmov %r3, %r10\nadd %r3, -8\nmov %r4, 2\ncall 189\nexit').code).toBe(2 ** 32 - Errno.EINVAL);
    expect(run('mov %r2, 0x10000\nmov %r3, %r10\nadd %r3, -8\nmov %r4, 2\ncall 189\nexit').code).toBe(2 ** 32 - Errno.EFAULT);
  });

  it('after adjust_head the program reads the grown packet through fresh pointers', () => {
    const r = run('mov %r6, %r1\nmov %r2, -4\ncall 44\nldxw %r2, [%r6+0]\nstw [%r2+0], 0x01020304\nldxw %r3, [%r6+4]\nsub %r3, %r2\nmov %r0, %r3\nexit');
    expect(r.code).toBe(68);
    expect([...r.packet.subarray(0, 6)]).toEqual([4, 3, 2, 1, 2, 0]);
  });

  it('a pointer made stale by adjust_tail faults', () => {
    const r = run('mov %r6, %r1\nldxw %r7, [%r6+4]\nadd %r7, -1\nmov %r2, -10\ncall 65\nldxb %r0, [%r7+0]\nexit');
    expect(r.trap).toMatchObject({ kind: 'out-of-bounds', pc: 5 });
  });

  it('map_update_elem and map_delete_elem return the map errors', () => {
    const maps = [mapDef('h', 'hash', 4, 4, 1)];
    const upd = (key: number, flags: number) => `stw [%r10-4], ${key}\nstw [%r10-8], 7\nlddw %r1, map:h\nmov %r2, %r10\nadd %r2, -4\nmov %r3, %r10\nadd %r3, -8\nmov %r4, ${flags}\ncall 2\n`;
    const s = new InterpreterSession(object([program('p', `${upd(1, 1)}mov %r6, %r0\n${upd(1, 1)}mov %r7, %r0\n${upd(2, 0)}and %r0, 0xff\nlsh %r0, 16\nand %r7, 0xff\nlsh %r7, 8\nor %r0, %r7\nor %r0, %r6\nexit`, maps)], maps), 'p', undefined);
    const r = s.runSync({ packet: udpPacket() });
    // first update 0, the second -EEXIST (NOEXIST), the third -E2BIG (a new key in a full map)
    expect(r.code).toBe((((-Errno.E2BIG) & 0xff) << 16) | (((-Errno.EEXIST) & 0xff) << 8));
    expect(r.maps.h).toEqual([{ key: '01000000', value: '07000000' }]);
  });
});
