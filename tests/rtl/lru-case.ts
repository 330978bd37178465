// The LRU stress case of the RTL hash unit's LRU engine: tests/rtl/lru_stress/lru_stress.o and
// traffic made for it. Its 16-entry LRU map (target_free 4 on two CPUs) starts from a fixture, is
// filled well past max_entries with keys of which twelve share one chain (so evictions unlink
// heads, middles and tails of chains), with lookups between that set reference bits (rotations
// move nodes to the active list, shrinks skip them), updates of present keys (a new node replaces
// the old one), NOEXIST / EXIST / invalid flags, deletes and refills; its 4-entry LRU map (a batch
// of one) is churned too; then a long pseudo-random mix of all of it.

import { join } from 'node:path';
import { loadFile } from '../../compiler/loader/index.js';
import type { RunInput } from '../../simulator/engine.js';
import { parseFixture } from '../../simulator/maps/fixture.js';
import { ROOT } from '../helpers/paths.js';
import type { ProgramCase } from './case.js';
import { collidingKeys } from './hash-case.js';

const OP = { lookup: 0, update: 1, delete: 2, tinyLookup: 3, tinyUpdate: 4, tinyDelete: 5, pcpuLookup: 6, pcpuUpdate: 7, pcpuDelete: 8 } as const;

function keyBytes(a: number, b: number, c: number): Uint8Array {
  const k = new Uint8Array(12);
  const dv = new DataView(k.buffer);
  dv.setUint32(0, a, true);
  dv.setUint32(4, b, true);
  dv.setUint32(8, c, true);
  return k;
}

function packet(op: number, flags: number, key: Uint8Array, tag: number): RunInput {
  const p = new Uint8Array(64);
  p.set([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x88, 0xb5]); // local experimental ethertype
  p[14] = op;
  p[15] = flags;
  p.set(key, 16);
  new DataView(p.buffer).setUint32(28, tag >>> 0, true);
  return { packet: p };
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** `packets` inputs at most (all of them: about 330). */
export function lruStressCase(packets?: number): ProgramCase {
  const dir = join(ROOT, 'tests', 'rtl', 'lru_stress');
  const obj = loadFile(join(dir, 'lru_stress.o'));
  const chain = collidingKeys(12); // one bucket of the 16-bucket table
  const others = Array.from({ length: 18 }, (_, i) => keyBytes(0x0b000000 + i * 7919, 0x33, i));
  const pool = [...chain, ...others];
  const val = (tag: number) => { const v = new Uint8Array(24); new DataView(v.buffer).setUint32(8, tag, true); return v; };
  const fixture = parseFixture({
    maps: {
      lru: { entries: [{ key: hex(chain[0]), value: hex(val(100)) }, { key: hex(others[0]), value: hex(val(101)) }, { key: hex(chain[1]), value: hex(val(102)) }] },
      tiny: { entries: [{ key: '09000000', value: '0900000000000000' }] },
      pcpu: { entries: [{ key: '07000000', value: '0700000000000000' }] },
    },
  }, 'lru_stress fixture');
  const inputs: RunInput[] = [];
  const add = (op: number, flags: number, key: Uint8Array, tag = 0) => inputs.push(packet(op, flags, key, tag));
  add(OP.lookup, 0, chain[1]); // the fixture's, found (its reference bit set)
  add(OP.update, 1, chain[0], 1); // NOEXIST on a present key: EEXIST (the taken node goes back)
  add(OP.update, 2, others[5], 1); // EXIST on a missing key: ENOENT
  add(OP.update, 3, others[5], 1); // invalid flags: EINVAL (no node taken)
  // fill past max_entries: evictions from the inactive tail, lookups keeping some keys referenced
  for (let i = 0; i < 24; i++) {
    add(OP.update, 0, pool[i], 200 + i);
    if (i % 3 === 0) add(OP.lookup, 0, pool[Math.floor(i / 2)]);
    if (i % 5 === 4) add(OP.lookup, 0, pool[i - 1]);
  }
  for (let i = 0; i < 30; i++) add(OP.lookup, 0, pool[i]); // which survived
  add(OP.update, 0, pool[20], 920); // a present key: a new node replaces its node
  add(OP.update, 2, pool[21], 921); // EXIST on a present key
  add(OP.update, 1, pool[22], 922); // NOEXIST on a present key: EEXIST
  for (const i of [0, 5, 11, 20, 23, 29]) add(OP.delete, 0, pool[i]);
  add(OP.delete, 0, pool[20]); // gone: ENOENT
  for (let i = 0; i < 12; i++) add(OP.update, i % 2, chain[i], 500 + i); // refill the chain
  for (let i = 0; i < 12; i += 2) add(OP.lookup, 0, chain[i]);
  for (let i = 0; i < 18; i++) add(OP.update, 0, others[i], 600 + i); // evict again, referenced ones last
  // the 4-entry map: a batch of one, forced evictions
  for (let i = 0; i < 12; i++) {
    add(OP.tinyUpdate, i % 4 === 3 ? 1 : 0, keyBytes(i % 7, 0, 0), 40 + i);
    if (i % 2) add(OP.tinyLookup, 0, keyBytes((i + 3) % 7, 0, 0));
    if (i % 5 === 4) add(OP.tinyDelete, 0, keyBytes(i % 7, 0, 0));
  }
  // a pseudo-random mix (a fixed LCG)
  let s = 12345;
  const rnd = (n: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
  for (let i = 0; i < 170; i++) {
    const r = rnd(100);
    const k = pool[rnd(pool.length)];
    if (r < 40) add(OP.lookup, 0, k);
    else if (r < 75) add(OP.update, rnd(10) < 8 ? 0 : rnd(4), k, 1000 + i);
    else if (r < 85) add(OP.delete, 0, k);
    else if (r < 92) add(OP.tinyUpdate, rnd(3), keyBytes(rnd(8), 0, 0), 2000 + i);
    else if (r < 97) add(OP.tinyLookup, 0, keyBytes(rnd(8), 0, 0));
    else add(OP.tinyDelete, 0, keyBytes(rnd(8), 0, 0));
  }
  // the 4-entry map emptied, filled, every key referenced, then one more: the refill flushes the
  // pending node, the inactive rotation moves every referenced node to the active list, the shrink
  // finds the inactive list empty and evicts none, so an active node is evicted by force
  for (let i = 0; i < 8; i++) add(OP.tinyDelete, 0, keyBytes(i, 0, 0));
  for (let i = 0; i < 4; i++) add(OP.tinyUpdate, 0, keyBytes(100 + i, 0, 0), 3000 + i);
  for (let i = 0; i < 4; i++) add(OP.tinyLookup, 0, keyBytes(100 + i, 0, 0));
  add(OP.tinyUpdate, 0, keyBytes(104, 0, 0), 3004);
  for (let i = 0; i < 5; i++) add(OP.tinyLookup, 0, keyBytes(100 + i, 0, 0)); // which one went
  // the LRU map with per-CPU lists (8 entries: CPU 0's lists hold 4 nodes on a 2-CPU machine):
  // filled past its nodes (a shrink of 4 into the free list), lookups keeping keys, the flag
  // results, deletes and refills, every key referenced then one more (a forced eviction), a mix
  for (let i = 0; i < 10; i++) {
    add(OP.pcpuUpdate, 0, keyBytes(200 + i, 0, 0), 4000 + i);
    if (i % 3 === 1) add(OP.pcpuLookup, 0, keyBytes(200 + i - 1, 0, 0));
  }
  for (let i = 0; i < 10; i++) add(OP.pcpuLookup, 0, keyBytes(200 + i, 0, 0));
  add(OP.pcpuUpdate, 1, keyBytes(209, 0, 0), 4100); // NOEXIST on a present key: EEXIST
  add(OP.pcpuUpdate, 2, keyBytes(299, 0, 0), 4101); // EXIST on a missing key: ENOENT
  add(OP.pcpuUpdate, 0, keyBytes(209, 0, 0), 4102); // a present key: replaced
  for (const i of [9, 8, 1]) add(OP.pcpuDelete, 0, keyBytes(200 + i, 0, 0));
  for (let i = 0; i < 12; i++) add(OP.pcpuDelete, 0, keyBytes(200 + i, 0, 0)); // emptied
  for (let i = 0; i < 4; i++) add(OP.pcpuUpdate, 0, keyBytes(300 + i, 0, 0), 4200 + i);
  for (let i = 0; i < 4; i++) add(OP.pcpuLookup, 0, keyBytes(300 + i, 0, 0));
  add(OP.pcpuUpdate, 0, keyBytes(304, 0, 0), 4204);
  for (let i = 0; i < 5; i++) add(OP.pcpuLookup, 0, keyBytes(300 + i, 0, 0));
  for (let i = 0; i < 40; i++) {
    const r = rnd(10);
    const k = keyBytes(300 + rnd(9), 0, 0);
    if (r < 4) add(OP.pcpuLookup, 0, k);
    else if (r < 8) add(OP.pcpuUpdate, rnd(10) < 8 ? 0 : rnd(4), k, 4300 + i);
    else add(OP.pcpuDelete, 0, k);
  }
  return { name: 'lru_stress', obj, program: obj.programs[0].name, fixture, inputs: inputs.slice(0, packets ?? inputs.length) };
}
