// The inputs both programs share: a symbolic Env (every packet of the allowed lengths, every ctx
// field a test run can give, every initial map state) with its assumptions, or a concrete one
// (one packet, empty maps) that tests use to evaluate the encoding on known inputs.

import type { MapDef } from '../loader/types.js';
import { Ranges } from './ranges.js';
import { HEADROOM } from './state.js';
import type { Env } from './state.js';
import type { B, BV, Mem, Z3 } from './z3.js';

export interface EnvOptions {
  readonly maps: readonly MapDef[];
  readonly minLength?: number;
  readonly maxLength?: number;
  /** a tail call may start the program: its stack holds what the program before left, its registers but r1 are not set */
  readonly tailCallTarget?: boolean;
}

export function symbolicEnv(Z: Z3, o: EnvOptions): { env: Env; assumptions: B[] } {
  const sort = (bits: number) => Z.BitVec.sort(bits);
  const len = Z.BitVec.const('packet_length', 64);
  const ingressIfindex = Z.BitVec.const('ingress_ifindex', 32);
  const rxQueueIndex = Z.BitVec.const('rx_queue_index', 32);
  // any count: a proof then holds for a program wherever a chain of tail calls runs it
  const tailCalls = Z.BitVec.const('tail_calls_at_start', 32);
  const minLength = BigInt(o.minLength ?? 60), maxLength = BigInt(o.maxLength ?? 1514);
  const ranges = new Ranges(Z, new Map([[len.id(), [minLength, maxLength]], [ingressIfindex.id(), [1n, 8n]], [rxQueueIndex.id(), [0n, 63n]]]));
  const env: Env = {
    Z, maps: o.maps, len, ingressIfindex, rxQueueIndex, tailCalls, ranges, seen: new Map(),
    ...(o.tailCallTarget ? { stackAtStart: Z.Array.const('stack_at_start', sort(64), sort(8)) as unknown as Mem } : {}),
    pkt: Z.Array.const('packet', sort(64), sort(8)) as unknown as Mem,
    values: o.maps.map((m, i) => Z.Array.const(`map${i}_${m.name}_values`, sort(m.keySize * 8 + 16), sort(8)) as unknown as Mem),
    present: o.maps.map((m, i) => Z.Array.const(`map${i}_${m.name}_keys`, sort(m.keySize * 8), sort(1)) as unknown as Mem),
    touched: [], fns: new Map(),
  };
  const v64 = (n: number) => Z.BitVec.val(BigInt(n), 64);
  const v32 = (n: number) => Z.BitVec.val(BigInt(n), 32);
  const assumptions = [
    len.uge(v64(Number(minLength))), len.ule(v64(Number(maxLength))),
    // the ifindexes a test run can use (docs/FIXTURES.md), and a queue other than 0 only on a device
    ingressIfindex.uge(v32(1)), ingressIfindex.ule(v32(8)), Z.Or(rxQueueIndex.eq(v32(0)), ingressIfindex.neq(v32(1))),
    rxQueueIndex.ult(v32(64)),
  ];
  return { env, assumptions };
}


/** A map entry as bytes in memory order (key and value). */
export interface EntryBytes {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** Bytes in memory order as the bit-vector the encoding uses for them (first byte least significant). */
function leValue(Z: Z3, bytes: Uint8Array): BV {
  let v = 0n;
  bytes.forEach((b, i) => (v |= BigInt(b) << BigInt(8 * i)));
  return Z.BitVec.val(v, bytes.length * 8);
}

/**
 * One packet, ingress ifindex 1, queue 0, and maps holding the given entries (by map index; the
 * rest of every value zero, no other key present).
 */
export function concreteEnv(Z: Z3, packet: Uint8Array, maps: readonly MapDef[] = [], entries: readonly (readonly EntryBytes[])[] = []): Env {
  const sort = (bits: number) => Z.BitVec.sort(bits);
  let pkt = Z.Array.K(sort(64), Z.BitVec.val(0n, 8)) as unknown as Mem;
  packet.forEach((b, j) => (pkt = pkt.store(Z.BitVec.val(BigInt(HEADROOM + j), 64), Z.BitVec.val(BigInt(b), 8)) as Mem));
  const values = maps.map((m, i) => {
    let mem = Z.Array.K(sort(m.keySize * 8 + 16), Z.BitVec.val(0n, 8)) as unknown as Mem;
    for (const e of entries[i] ?? [])
      e.value.forEach((b, j) => (mem = mem.store(Z.Concat(leValue(Z, e.key), Z.BitVec.val(BigInt(j), 16)), Z.BitVec.val(BigInt(b), 8)) as Mem));
    return mem;
  });
  const present = maps.map((m, i) => {
    let set = Z.Array.K(sort(m.keySize * 8), Z.BitVec.val(0n, 1)) as unknown as Mem;
    for (const e of entries[i] ?? []) set = set.store(leValue(Z, e.key), Z.BitVec.val(1n, 1)) as Mem;
    return set;
  });
  return {
    Z, maps, pkt, len: Z.BitVec.val(BigInt(packet.length), 64) as BV,
    ingressIfindex: Z.BitVec.val(1n, 32), rxQueueIndex: Z.BitVec.val(0n, 32), tailCalls: Z.BitVec.val(0n, 32),
    values, present, touched: [], fns: new Map(), ranges: new Ranges(Z, new Map()), seen: new Map(),
  };
}
