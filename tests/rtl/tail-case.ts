// The tail-call case of every engine and of the RTL: tests/rtl/tail_chain/tail_chain.o (six XDP
// programs: a dispatcher and five it may tail-call through the prog array `jumps`), its fixture
// (maps.json beside it: slots 0-4 filled, 5-7 empty) and traffic naming every slot, an empty one, one past max_entries,
// the chain of two tail calls, the self-call stopped at the limit of 33 and the call after
// bpf_xdp_adjust_head, each in a few frame sizes.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFile } from '../../compiler/loader/index.js';
import type { RunInput } from '../../simulator/engine.js';
import { parseFixture } from '../../simulator/maps/fixture.js';
import { ROOT } from '../helpers/paths.js';
import type { ProgramCase } from './case.js';

/** slot p[14] picks: 0 tc_tx, 1 tc_relay (→ 2), 2 tc_end, 3 tc_loop (itself, 33 times), 4 tc_pop (→ 2), 5-7 empty, 8+ out of range */
export const TAIL_SLOTS = [0, 1, 2, 3, 4, 5, 7, 8, 200, 255] as const;

function packet(slot: number, len: number, seed: number): RunInput {
  const p = new Uint8Array(len);
  for (let i = 0; i < len; i++) p[i] = (i * 29 + seed * 7) & 0xff;
  p.set([0x02, 0, 0, 0, 0, seed & 0xff, 0x02, 0, 0, 0, 1, 2, 0x88, 0xb5]); // local experimental ethertype
  p[14] = slot;
  p[18] = (seed >> 1) & 1; // tc_loop calls the empty slot 5 first when odd
  return { packet: p };
}

export function tailCase(): ProgramCase {
  const dir = join(ROOT, 'tests', 'rtl', 'tail_chain');
  const obj = loadFile(join(dir, 'tail_chain.o'));
  const path = join(dir, 'maps.json');
  const fixture = parseFixture(JSON.parse(readFileSync(path, 'utf8')), path);
  const inputs: RunInput[] = [];
  let seed = 0;
  for (const len of [64, 60, 128, 33])
    for (const slot of TAIL_SLOTS) inputs.push(packet(slot, len, seed++));
  // a frame too short for the dispatcher's check (XDP_ABORTED before any call)
  inputs.push(packet(0, 20, seed++));
  return { name: 'tail_chain', obj, program: 'tail_chain', fixture, inputs };
}
