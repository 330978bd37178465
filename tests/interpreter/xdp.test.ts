// XDP semantics of the interpreter engine: the xdp_md ctx, calls with their own stack frames,
// tail calls (and the 33 limit), global data, redirects, the clock and the PRNG.
import { describe, expect, it } from 'vitest';
import { InterpreterEngine, InterpreterSession, RunInputError } from '../../simulator/interpreter/engine.js';
import type { MapFixture } from '../../simulator/maps/fixture.js';
import type { MapDef, Program } from '../../compiler/loader/types.js';
import { mapDef, object, program, udpPacket } from './objects.js';

function session(progs: Program[], maps: MapDef[] = [], fixture?: MapFixture, opts = {}) {
  return new InterpreterSession(object(progs, maps), progs[0].name, fixture, opts);
}
const one = (asm: string, maps: MapDef[] = [], fixture?: MapFixture, opts = {}) => session([program('p', asm, maps)], maps, fixture, opts);
const r0 = (s: InterpreterSession, packet = udpPacket()) => s.runSync({ packet }).code;

describe('xdp_md', () => {
  it('data_end - data is the packet length; data_meta = data', () => {
    expect(r0(one('ldxw %r2, [%r1+0]\nldxw %r3, [%r1+4]\nmov %r0, %r3\nsub %r0, %r2\nexit'), udpPacket(99))).toBe(99);
    expect(r0(one('ldxw %r2, [%r1+0]\nldxw %r3, [%r1+8]\nmov %r0, 7\njeq %r2, %r3, +1\nmov %r0, 8\nexit'))).toBe(7);
  });

  it('ingress_ifindex and rx_queue_index: 1 and 0 by default (test_run on lo), else as given', () => {
    const s = one('ldxw %r2, [%r1+12]\nldxw %r3, [%r1+16]\nmov %r0, %r3\nmul %r0, 100\nadd %r0, %r2\nexit');
    expect(r0(s)).toBe(1);
    expect(s.runSync({ packet: udpPacket(), ctx: { ingressIfindex: 5, rxQueueIndex: 3 } }).code).toBe(305);
  });

  it('packet pointers compare as integers (a bounds check)', () => {
    const asm = 'ldxw %r2, [%r1+0]\nldxw %r3, [%r1+4]\nmov %r4, %r2\nadd %r4, 100\nmov %r0, 1\njgt %r4, %r3, +1\nmov %r0, 2\nexit';
    expect(r0(one(asm), udpPacket(99))).toBe(1);
    expect(r0(one(asm), udpPacket(100))).toBe(2);
  });

  it('refuses packets the kernel refuses (< 14 bytes)', () => {
    expect(() => one('mov %r0, 2\nexit').runSync({ packet: new Uint8Array(13) })).toThrow(RunInputError);
  });
});

describe('calls', () => {
  it('a BPF-to-BPF call gets its own stack frame and keeps r6-r9', () => {
    const asm = `
      stdw [%r10-8], 11
      mov %r6, 6
      call local f
      ldxdw %r1, [%r10-8]
      add %r0, %r1
      add %r0, %r6
      exit
    f:
      stdw [%r10-8], 1000
      ldxdw %r0, [%r10-8]
      mov %r6, 0
      exit`;
    expect(r0(one(asm))).toBe(1000 + 11 + 6);
  });

  it('tail calls: to the prog array entry; a missing entry continues after the call', () => {
    const maps = [mapDef('jmp', 'prog_array', 4, 4, 4)];
    const a = program('a', 'mov %r6, %r1\nlddw %r2, map:jmp\nmov %r3, 1\ncall 12\nmov %r1, %r6\nlddw %r2, map:jmp\nmov %r3, 0\ncall 12\nmov %r0, 9\nexit', maps);
    const b = program('b', 'mov %r0, 3\nexit', maps);
    const s = session([a, b], maps, { maps: { jmp: { entries: [{ key: '00000000', program: 'b' }] } } });
    expect(r0(s)).toBe(3);
  });

  it('at most 33 tail calls, as the kernel', () => {
    const maps = [mapDef('jmp', 'prog_array', 4, 4, 1), mapDef('count', 'array', 4, 8, 1)];
    const asm = `
      mov %r6, %r1
      stw [%r10-4], 0
      mov %r2, %r10
      add %r2, -4
      lddw %r1, map:count
      call 1
      jeq %r0, 0, +3
      ldxdw %r1, [%r0+0]
      add %r1, 1
      stxdw [%r0+0], %r1
      mov %r1, %r6
      lddw %r2, map:jmp
      mov %r3, 0
      call 12
      mov %r0, 2
      exit`;
    const s = session([program('p', asm, maps)], maps, { maps: { jmp: { entries: [{ key: '00000000', program: 'p' }] } } });
    const r = s.runSync({ packet: udpPacket() });
    expect(r.code).toBe(2);
    expect(r.maps.count[0].value).toBe('2200000000000000'); // 34 runs: the first and 33 tail calls
  });
});

describe('global data and map values', () => {
  it('.data persists across runs; .rodata is readable', () => {
    const maps = [mapDef('.data', 'array', 4, 8, 1, { initial: Uint8Array.of(5, 0, 0, 0, 0, 0, 0, 0) }),
      mapDef('.rodata', 'array', 4, 4, 1, { flags: 0x80, initial: Uint8Array.of(40, 0, 0, 0) })];
    const s = one('lddw %r1, value:.data+0\nldxdw %r0, [%r1+0]\nadd %r0, 1\nstxdw [%r1+0], %r0\nlddw %r2, value:.rodata+0\nldxw %r2, [%r2+0]\nadd %r0, %r2\nexit', maps);
    expect(r0(s)).toBe(46);
    expect(r0(s)).toBe(47);
    expect(s.host.maps.snapshot()['.data']).toEqual([{ key: '00000000', value: '0700000000000000' }]);
  });
});

describe('redirect', () => {
  it('bpf_redirect: XDP_REDIRECT with the ifindex; any flag gives XDP_ABORTED', () => {
    const r = one('mov %r1, 5\nmov %r2, 0\ncall 23\nexit').runSync({ packet: udpPacket() });
    expect(r).toMatchObject({ action: 'XDP_REDIRECT', code: 4, redirect: { ifindex: 5 } });
    expect(r0(one('mov %r1, 5\nmov %r2, 1\ncall 23\nexit'))).toBe(0);
  });

  it('bpf_redirect_map: an entry redirects; a missing one returns the flags low bits; bad flags abort', () => {
    const maps = [mapDef('tx', 'devmap', 4, 4, 4)];
    const fixture = { maps: { tx: { entries: [{ key: '01000000', value: '05000000' }] } } };
    const prog = (key: number, flags: number) => one(`lddw %r1, map:tx\nmov %r2, ${key}\nmov %r3, ${flags}\ncall 51\nexit`, maps, fixture);
    expect(prog(1, 2).runSync({ packet: udpPacket() })).toMatchObject({ code: 4, redirect: { map: 'tx', key: 1 } });
    expect(r0(prog(2, 2))).toBe(2);
    expect(r0(prog(2, 1))).toBe(1);
    expect(r0(prog(9, 0))).toBe(0);
    expect(r0(prog(2, 8))).toBe(4); // BPF_F_BROADCAST: redirect even without an entry
    expect(r0(prog(1, 0x40))).toBe(0);
  });
});

describe('clock, PRNG, CPU', () => {
  it('ktime_get_ns: fixed start, +100 ns per call, +1000 ns per packet', () => {
    const s = one('call 5\nmov %r6, %r0\ncall 5\nsub %r0, %r6\nexit');
    expect(r0(s)).toBe(100);
    const t = one('call 5\nexit', [], undefined, { clockStart: 5000, clockStepPerCall: 10, clockStepPerPacket: 7 });
    expect([r0(t), r0(t), r0(t)]).toEqual([5000, 5017, 5034]);
  });

  it('get_prandom_u32: deterministic for a seed, different for another', () => {
    const draw = (seed: number) => {
      const s = one('call 7\nexit', [], undefined, { seed });
      return [r0(s), r0(s), r0(s)];
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(new Set(draw(3)).size).toBe(3);
  });

  it('get_smp_processor_id is 0', () => expect(r0(one('mov %r0, 9\ncall 8\nexit'))).toBe(0));
});

describe('the Engine interface', () => {
  it('open/run/readMaps/close', async () => {
    const maps = [mapDef('a', 'array', 4, 4, 2)];
    const s = await new InterpreterEngine().open(object([program('p', 'mov %r0, 1\nexit', maps)], maps), 'p');
    expect((await s.run({ packet: udpPacket() })).action).toBe('XDP_DROP');
    expect(await s.readMaps()).toEqual({ a: [{ key: '00000000', value: '00000000' }, { key: '01000000', value: '00000000' }] });
    await s.close();
    await expect(new InterpreterEngine().open(object([]), 'nope')).rejects.toThrow(/no program named nope/);
  });
});
