// The kernel oracle on small C programs compiled at test time: fixtures reach the program, maps
// read back in the snapshot format, packets leave as the kernel leaves them, ctx fields, timing.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedObject } from '../../compiler/loader/types.js';
import { KernelEngine, kernelBaseline } from '../../simulator/kernel/index.js';
import type { KernelSession } from '../../simulator/kernel/index.js';
import type { MapFixture } from '../../simulator/maps/fixture.js';
import { kernelMissing, needs, toolMissing } from '../helpers/tools.js';
import { compileAndLoad, modePacket, tempDir } from './helpers.js';

const FIXTURE: MapFixture = {
  maps: {
    counters: { entries: [{ key: '02000000', value: '0700000000000000' }] },
    per_cpu: { entries: [{ key: '00000000', value: '0500000000000000' }] },
    verdicts: { entries: [{ key: '2a000000', value: '01000000' }, { key: '2b000000', value: '03000000' }] },
    routes: {
      entries: [
        { prefix: '0a000000', prefixLen: 8, value: '44332211' },
        { prefix: '0a010000', prefixLen: 16, value: '55000000' },
      ],
    },
    tx_port: { entries: [{ key: '01000000', value: '04000000' }] },
    jumps: { entries: [{ key: '00000000', program: 'stage2' }] },
    '.rodata': { entries: [{ key: '00000000', value: '03000000' }] },
    '.data': { entries: [{ key: '00000000', value: 'e8030000' }] },
  },
};

const u32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at, true);

describe.skipIf(needs(kernelMissing(), toolMissing('clang')))('kernel oracle', () => {
  const tmp = tempDir();
  const engine = new KernelEngine();
  let obj: LoadedObject;
  let s: KernelSession;

  beforeAll(async () => {
    obj = compileAndLoad('oracle_maps', tmp.dir);
    s = await engine.open(obj, 'oracle_maps', FIXTURE);
  });
  afterAll(async () => {
    await s?.close();
    tmp.remove();
  });

  it('is available here', async () => {
    expect(await engine.unavailable()).toBeUndefined();
    expect(engine.name).toBe('kernel');
  });

  it('names maps as the object does, in its order, and leaves prog arrays out of the snapshot', async () => {
    const maps = await s.readMaps();
    expect(Object.keys(maps).sort()).toEqual(['.bss', '.data', '.rodata', 'counters', 'per_cpu', 'routes', 'tx_port', 'verdicts']);
    // in the object's order, as the interpreter lists them
    expect(Object.keys(maps)).toEqual(obj.maps.filter((m) => m.type !== 'prog_array').map((m) => m.name));
    expect(s.info.maps.find((m) => m.name === '.rodata')?.kernelName).toBe('oracle_m.rodata');
  });

  it('reads back fixture values: every array index, sorted by key; LPM keys as prefixLen + prefix', async () => {
    const maps = await s.readMaps();
    expect(maps.counters.map((e) => e.key)).toEqual(['00000000', '01000000', '02000000', '03000000']);
    expect(maps.counters[2].value).toBe('0700000000000000');
    expect(maps.verdicts).toEqual([{ key: '2a000000', value: '01000000' }, { key: '2b000000', value: '03000000' }]);
    expect(maps.routes).toEqual([{ key: '080000000a000000', value: '44332211' }, { key: '100000000a010000', value: '55000000' }]);
    expect(maps.tx_port).toEqual([{ key: '01000000', value: '04000000' }]);
    expect(maps['.rodata']).toEqual([{ key: '00000000', value: '03000000' }]);
  });

  it('hash values reach the program: the return code and a packet byte come from the map', async () => {
    const r = await s.run({ packet: modePacket(1, 0x2b) });
    expect(r.code).toBe(3);
    expect(r.action).toBe('XDP_TX');
    expect(r.durationNs).toBeUndefined();
    expect(r.packet[8]).toBe(3);
    const miss = await s.run({ packet: modePacket(1, 0x99) });
    expect(miss.action).toBe('XDP_PASS');
    expect(miss.packet[8]).toBe(0);
  });

  it('LPM lookups take the longest prefix', async () => {
    const r16 = await s.run({ packet: modePacket(2, [10, 1, 2, 3]) });
    expect(r16.action).toBe('XDP_TX');
    expect(u32(r16.packet, 8)).toBe(0x55);
    const r8 = await s.run({ packet: modePacket(2, [10, 2, 0, 1]) });
    expect(u32(r8.packet, 8)).toBe(0x11223344);
    expect((await s.run({ packet: modePacket(2, [11, 0, 0, 1]) })).action).toBe('XDP_DROP');
  });

  it('global data: the .rodata fixture reaches the program, .data accumulates, maps read back after a run', async () => {
    const before = await s.readMaps();
    const total = u32(Buffer.from(before['.data'][0].value, 'hex'), 0);
    expect(total).toBeGreaterThanOrEqual(1000);
    const r = await s.run({ packet: modePacket(5, 0) });
    expect(u32(r.packet, 8)).toBe(3);
    expect(u32(r.packet, 12)).toBe(total + 3);
    expect(r.maps['.data'][0].value).toBe(Buffer.from(Uint32Array.of(total + 3).buffer).toString('hex'));
    const c0 = (m: typeof r.maps) => Buffer.from(m.counters[0].value, 'hex').readBigUInt64LE(0);
    expect(c0(r.maps)).toBe(c0(before) + 1n);
  });

  it('per-CPU maps: the fixture sets every CPU, the run touches CPU 0, the snapshot shows CPU 0', async () => {
    const before = Buffer.from((await s.readMaps()).per_cpu[0].value, 'hex').readBigUInt64LE(0);
    const r = await s.run({ packet: modePacket(0, 0) });
    expect(Buffer.from(r.maps.per_cpu[0].value, 'hex').readBigUInt64LE(0)).toBe(before + 3n);
    const dump = JSON.parse(execFileSync('bpftool', ['-j', 'map', 'dump', 'pinned', s.info.maps.find((m) => m.name === 'per_cpu')!.pin], { encoding: 'utf8' }));
    const cpus = dump[0].values as { cpu: number; value: string[] }[];
    for (const c of cpus.filter((x) => x.cpu !== 0)) expect(Number(c.value[0])).toBe(5);
  });

  it('ctx: ingress_ifindex and rx_queue_index reach the program; without ctx the packet arrives on lo; bad ones are refused', async () => {
    let r = await s.run({ packet: modePacket(0, 0), ctx: { ingressIfindex: 5, rxQueueIndex: 3 } });
    expect(r.maps['.bss']).toEqual([{ key: '00000000', value: '0500000003000000' }]);
    r = await s.run({ packet: modePacket(0, 0) });
    expect(r.maps['.bss']).toEqual([{ key: '00000000', value: '0100000000000000' }]);
    r = await s.run({ packet: modePacket(0, 0), ctx: { ingressIfindex: 8, rxQueueIndex: 7 } });
    expect(r.maps['.bss'][0].value).toBe('0800000007000000');
    await expect(s.run({ packet: modePacket(0, 0), ctx: { ingressIfindex: 9 } })).rejects.toThrow(/No such device \(ingress_ifindex 9: .*1-8\)/);
    await expect(s.run({ packet: modePacket(0, 0), ctx: { ingressIfindex: 2, rxQueueIndex: 8 } })).rejects.toThrow(/rx_queue_index 8/);
    await expect(s.run({ packet: modePacket(0, 0), ctx: { rxQueueIndex: 1 } })).rejects.toThrow(/Invalid argument/);
  });

  it('devmap + bpf_redirect_map: XDP_REDIRECT for a filled slot, the flags action (ABORTED) for an empty one', async () => {
    const hit = await s.run({ packet: modePacket(3, 1) });
    expect([hit.code, hit.action]).toEqual([4, 'XDP_REDIRECT']);
    const miss = await s.run({ packet: modePacket(3, 2) });
    expect([miss.code, miss.action]).toEqual([0, 'XDP_ABORTED']);
  });

  it('prog arrays: a fixture entry names a program of the object and the tail call reaches it', async () => {
    expect((await s.run({ packet: modePacket(4, 0) })).action).toBe('XDP_TX');
    const bare = await engine.open(obj, 'oracle_maps');
    try {
      expect((await bare.run({ packet: modePacket(4, 0) })).action).toBe('XDP_PASS');
      const maps = await bare.readMaps();
      expect(maps['.rodata']).toEqual([{ key: '00000000', value: '01000000' }]);
      expect(maps.verdicts).toEqual([]);
      expect(maps.tx_port).toEqual([]);
    } finally {
      await bare.close();
    }
  });

  it('timing: repeat N gives a positive ns figure per packet', async () => {
    const ns = await s.time({ packet: modePacket(0, 0) }, 2000);
    expect(ns).toBeGreaterThan(0);
    expect(ns).toBeLessThan(1_000_000);
    await expect(s.time({ packet: modePacket(0, 0) }, 0)).rejects.toThrow(/repeat/);
  });

  it('survives more runs than one bpftool process may make (it leaks a descriptor per run) and reports the rate', async () => {
    const n = 600;
    const t = performance.now();
    let last = 0n;
    for (let i = 0; i < n; i++) {
      const r = await s.run({ packet: modePacket(0, 0) });
      last = Buffer.from(r.maps.counters[0].value, 'hex').readBigUInt64LE(0);
    }
    const perSecond = n / ((performance.now() - t) / 1000);
    console.log(`kernel oracle: ${perSecond.toFixed(0)} runs/s with read-back of ${s.info.maps.length - 1} maps`);
    const first = Buffer.from((await s.readMaps()).counters[0].value, 'hex').readBigUInt64LE(0);
    expect(first).toBe(last);
    expect(perSecond).toBeGreaterThan(50);
  });

  it('kernelBaseline: ns per packet and their mean', async () => {
    const packets = [modePacket(0, 0), modePacket(2, [10, 1, 2, 3])];
    const b = await kernelBaseline(obj, 'oracle_maps', packets, FIXTURE, 5000);
    expect(b.perPacketNs).toHaveLength(2);
    for (const ns of b.perPacketNs) expect(ns).toBeGreaterThan(0);
    expect(b.meanNs).toBeCloseTo((b.perPacketNs[0] + b.perPacketNs[1]) / 2, 6);
    console.log(`kernel baseline oracle_maps: ${b.perPacketNs.join(', ')} ns/packet`);
  });
});

describe.skipIf(needs(kernelMissing(), toolMissing('clang')))('kernel oracle: packet edits', () => {
  const tmp = tempDir();
  let s: KernelSession;
  beforeAll(async () => {
    s = await new KernelEngine().open(compileAndLoad('oracle_adjust', tmp.dir), 'oracle_adjust');
  });
  afterAll(async () => {
    await s?.close();
    tmp.remove();
  });

  const frame = (head: number, tail: number, size = 64) => {
    const p = new Uint8Array(size);
    for (let i = 2; i < size; i++) p[i] = i;
    p[0] = head & 0xff;
    p[1] = tail & 0xff;
    return p;
  };

  it('adjust_head grows the front (new bytes zero in the test run) and adjust_tail grows the end with zeros', async () => {
    const p = frame(-8, 4);
    const r = await s.run({ packet: p });
    expect(r.action).toBe('XDP_PASS');
    expect(r.packet.length).toBe(64 + 8 + 4);
    expect(r.packet[0]).toBe(0xee);
    expect([...r.packet.subarray(1, 8)]).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect([...r.packet.subarray(8, 72)]).toEqual([...p]);
    expect([...r.packet.subarray(72)]).toEqual([0, 0, 0, 0]);
  });

  it('shrinking head and tail cuts the packet', async () => {
    const p = frame(4, -6);
    const r = await s.run({ packet: p });
    expect(r.packet.length).toBe(64 - 4 - 6);
    expect(r.packet[0]).toBe(0xee);
    expect([...r.packet.subarray(1)]).toEqual([...p.subarray(5, 58)]);
  });

  it('the kernel refuses to shrink below an Ethernet header; the head grows by 128, the tail by 127', async () => {
    expect((await s.run({ packet: frame(0, -60) })).action).toBe('XDP_ABORTED');
    expect((await s.run({ packet: frame(-128, 0) })).action).toBe('XDP_PASS');
    const big = await s.run({ packet: frame(0, 127, 1500) });
    expect(big.packet.length).toBe(1627);
  });

  it('a packet shorter than an Ethernet header is a typed error, and the session goes on', async () => {
    await expect(s.run({ packet: new Uint8Array(10) })).rejects.toThrow(/10-byte packet failed.*at least 14 bytes/);
    expect((await s.run({ packet: frame(0, 0) })).action).toBe('XDP_PASS');
  });
});

describe.skipIf(needs(kernelMissing(), toolMissing('clang')))('kernel oracle: large values', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it('a 6000-byte .bss fixture (too long for a batch line) reaches the program and reads back whole', async () => {
    const value = new Uint8Array(6000);
    value[5999] = 3;
    value[0] = 0x10;
    const fixture: MapFixture = { maps: { '.bss': { entries: [{ key: '00000000', value: Buffer.from(value).toString('hex') }] } } };
    const s = await new KernelEngine().open(compileAndLoad('oracle_big', tmp.dir), 'oracle_big', fixture);
    try {
      const r = await s.run({ packet: new Uint8Array(64) });
      expect(r.action).toBe('XDP_TX');
      value[0] = 0x11;
      expect(r.maps['.bss']).toEqual([{ key: '00000000', value: Buffer.from(value).toString('hex') }]);
    } finally {
      await s.close();
    }
  });
});
