// The hash-map stress case of the RTL hash unit: tests/rtl/hash_stress/hash_stress.o and traffic
// made for it. Its 16-entry map is filled to max_entries with keys that all fall in one bucket
// (isa/hashmap.ts's bucket function: one chain of 16), then probed at every depth, refused past
// max_entries (E2BIG), with NOEXIST / EXIST / invalid flags, emptied from head, middle and tail
// and refilled; its per-CPU hash map of 4 is filled, overflowed, deleted and refilled too; its LPM
// trie of 8 is filled with nested prefixes, probed, overflowed (ENOSPC), rewritten and emptied.

import { join } from 'node:path';
import { loadFile } from '../../compiler/loader/index.js';
import { hashBucket, hashBucketBits } from '../../isa/index.js';
import type { RunInput } from '../../simulator/engine.js';
import { parseFixture } from '../../simulator/maps/fixture.js';
import { ROOT } from '../helpers/paths.js';
import type { ProgramCase } from './case.js';

const OP = { lookup: 0, update: 1, delete: 2, small: 3, smallDelete: 4, lpmLookup: 5, lpmUpdate: 6, lpmDelete: 7 } as const;

/** An LPM trie key: prefix length, then the IPv4 address (network order), as 12 key bytes of the packet. */
function route(len: number, a: number, b: number, c: number, d: number): Uint8Array {
  const k = new Uint8Array(12);
  new DataView(k.buffer).setUint32(0, len, true);
  k.set([a, b, c, d], 4);
  return k;
}

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

/** `n` keys of the 16-entry map that share one bucket (and one more that does not). */
export function collidingKeys(n: number): Uint8Array[] {
  const bits = hashBucketBits(16);
  const out: Uint8Array[] = [];
  const target = hashBucket(keyBytes(0x0a000001, 0x50, 6), bits);
  for (let i = 0; out.length < n; i++) {
    const k = keyBytes(0x0a000001 + i, 0x50, 6);
    if (hashBucket(k, bits) === target) out.push(k);
  }
  return out;
}

export function hashStressCase(): ProgramCase {
  const dir = join(ROOT, 'tests', 'rtl', 'hash_stress');
  const obj = loadFile(join(dir, 'hash_stress.o'));
  const keys = collidingKeys(18);
  const other = keyBytes(7, 7, 7);
  // the fixture loads two of the colliding keys (the chain starts non-empty) and one small entry
  const val = (tag: number) => { const v = new Uint8Array(24); new DataView(v.buffer).setUint32(8, tag, true); return v; };
  const fixture = parseFixture({
    maps: {
      table: { entries: [{ key: hex(keys[0]), value: hex(val(100)) }, { key: hex(keys[1]), value: hex(val(101)) }] },
      small: { entries: [{ key: '05000000', value: '0900000000000000' }] },
      routes: { entries: [{ key: '080000000a000000', value: '0800000000000000' }] },
    },
  }, 'hash_stress fixture');
  const inputs: RunInput[] = [];
  const add = (op: number, flags: number, key: Uint8Array, tag = 0) => inputs.push(packet(op, flags, key, tag));
  add(OP.lookup, 0, keys[1]); // found at depth 2 (fixture)
  add(OP.update, 1, keys[0], 1); // NOEXIST on a present key: EEXIST
  add(OP.update, 2, keys[5], 1); // EXIST on a missing key: ENOENT
  add(OP.update, 3, keys[5], 1); // invalid flags: EINVAL
  for (let i = 2; i < 16; i++) add(OP.update, i % 2, keys[i], 200 + i); // fill to max_entries, BPF_ANY / NOEXIST
  add(OP.update, 0, keys[16], 1); // full: E2BIG
  add(OP.update, 1, other, 1); // full, another bucket: E2BIG
  add(OP.update, 2, keys[7], 77); // EXIST on a present key in a full map: rewritten in place
  add(OP.update, 0, keys[15], 15); // BPF_ANY on the tail of a full chain
  for (let i = 0; i < 17; i++) add(OP.lookup, 0, keys[i]); // every depth, and a miss after the whole chain
  add(OP.delete, 0, keys[0]); // the head
  add(OP.delete, 0, keys[8]); // the middle
  add(OP.delete, 0, keys[15]); // the tail
  add(OP.delete, 0, keys[8]); // gone: ENOENT
  add(OP.lookup, 0, keys[9]);
  add(OP.update, 1, keys[16], 16); // refill: three nodes free again, the new keys at the chain's tail
  add(OP.update, 0, keys[17], 17);
  add(OP.update, 0, other, 99);
  add(OP.update, 0, keys[0], 1000); // full again: E2BIG
  for (const k of [keys[16], keys[17], other, keys[2], keys[14]]) add(OP.lookup, 0, k);
  for (let i = 0; i < 16; i++) add(OP.delete, 0, keys[i]); // empty it (some were deleted: ENOENT)
  add(OP.delete, 0, keys[16]);
  add(OP.delete, 0, keys[17]);
  add(OP.delete, 0, other);
  for (let i = 0; i < 16; i++) add(OP.update, 0, keys[15 - i], 300 + i); // refill in reverse
  for (let i = 0; i < 16; i += 3) add(OP.lookup, 0, keys[i]);
  for (let i = 0; i < 7; i++) add(OP.small, 0, keyBytes(i % 6, 0, 0)); // the per-CPU hash: insert, count, overflow (E2BIG)
  add(OP.smallDelete, 0, keyBytes(5, 0, 0));
  add(OP.smallDelete, 0, keyBytes(5, 0, 0));
  add(OP.small, 0, keyBytes(4, 0, 0));
  add(OP.small, 0, keyBytes(4, 0, 0));
  // the LPM trie: nested prefixes, longest match, ENOSPC when full, EINVAL past 32 bits
  const probe = (a: number, b: number, c: number, d: number) => add(OP.lpmLookup, 0, route(32, a, b, c, d));
  probe(10, 1, 2, 3); // 10/8 from the fixture
  probe(11, 0, 0, 1); // no route: -1
  add(OP.lpmUpdate, 0, route(16, 10, 1, 0, 0), 16);
  add(OP.lpmUpdate, 1, route(24, 10, 1, 2, 0), 24);
  add(OP.lpmUpdate, 0, route(32, 10, 1, 2, 3), 32);
  add(OP.lpmUpdate, 0, route(0, 0, 0, 0, 0), 1); // the default route
  add(OP.lpmUpdate, 1, route(16, 10, 1, 99, 99), 5); // NOEXIST, the same /16 with other host bits: EEXIST
  add(OP.lpmUpdate, 2, route(20, 10, 1, 0, 0), 5); // EXIST on a missing prefix: ENOENT
  add(OP.lpmUpdate, 0, route(33, 10, 1, 2, 3), 5); // past the address: EINVAL
  for (const [a, b, c, d] of [[10, 1, 2, 3], [10, 1, 2, 4], [10, 1, 3, 1], [10, 2, 0, 1], [8, 8, 8, 8]]) probe(a, b, c, d);
  add(OP.lpmUpdate, 0, route(12, 172, 16, 0, 0), 12);
  add(OP.lpmUpdate, 0, route(16, 192, 168, 0, 0), 168);
  add(OP.lpmUpdate, 0, route(8, 192, 0, 0, 0), 192); // 8 entries now
  add(OP.lpmUpdate, 0, route(8, 193, 0, 0, 0), 193); // full: ENOSPC
  add(OP.lpmUpdate, 2, route(16, 10, 1, 7, 7), 61); // EXIST on the /16 with other host bits: rewritten (its key too)
  for (const [a, b, c, d] of [[10, 1, 9, 9], [172, 17, 1, 1], [172, 31, 1, 1], [192, 168, 1, 1], [192, 1, 1, 1]]) probe(a, b, c, d);
  add(OP.lpmDelete, 0, route(24, 10, 1, 2, 0));
  add(OP.lpmDelete, 0, route(24, 10, 1, 2, 0)); // ENOENT
  add(OP.lpmDelete, 0, route(40, 10, 1, 2, 0)); // EINVAL
  add(OP.lpmDelete, 0, route(0, 0, 0, 0, 0));
  probe(10, 1, 2, 9);
  probe(11, 1, 1, 1);
  add(OP.lpmUpdate, 0, route(8, 193, 0, 0, 0), 193); // room again
  probe(193, 1, 1, 1);
  return { name: 'hash_stress', obj, program: obj.programs[0].name, fixture, inputs };
}
