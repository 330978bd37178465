// The bpf_conformance runtime contract (REFERENCE.md §3) on the interpreter: r1 points to a copy
// of the test's memory, r2 holds its length, a 512-byte stack, helper 5 returns its first
// argument. Runs raw program bytes; no maps, no ctx, no XDP.

import { IsaError, decodeProgram } from '../../isa/index.js';
import type { Trap } from '../engine.js';
import { DEFAULT_BUDGET, Machine, RegionKind, toBig } from '../machine/index.js';
import type { HelperFn, Host } from '../machine/index.js';
import { ConstPool, compileProgram } from './compile.js';
import { attachLoop } from './loop.js';

/** bpf_conformance's helper 5 ("unwind" in ubpf's plugin): returns its first argument. */
const identity: HelperFn = (m) => {
  m.L[0] = m.L[1];
  m.H[0] = m.H[1];
};

const HOST: Host = {
  helper: (id) => (id === 5 ? identity : undefined),
  helperName: (id) => (id === 5 ? 'conformance helper 5' : `helper ${id}`),
  ctxLoad: () => false,
  packetLength: () => 0, // no packet: `if len < N` with N > 0 always jumps
  mapAddress: () => 'a conformance program has no maps',
};

export type ConformanceOutcome =
  | { readonly ok: true; readonly r0: bigint; readonly insnsExecuted: number }
  | { readonly ok: false; readonly error: string; readonly trap?: Trap };

/** Decodes and runs a conformance program on `mem`; never throws for a bad program. */
export function runConformance(program: Uint8Array, mem: Uint8Array, budget = DEFAULT_BUDGET): ConformanceOutcome {
  let decoded;
  try {
    decoded = decodeProgram(program);
  } catch (e) {
    if (e instanceof IsaError) return { ok: false, error: e.message };
    throw e;
  }
  if (decoded.insns.length === 0) return { ok: false, error: 'empty program' };
  const src = { name: 'conformance', code: decoded };
  const pool = new ConstPool().add([src]);
  const m = new Machine(HOST, pool.size);
  pool.install(m);
  const memRegion = m.mem.add('mem', RegionKind.MEM, mem.slice(), true);
  m.mem.freeze();
  const prog = compileProgram(src, 0, m, pool);
  attachLoop(m, [prog]);
  m.start(prog, budget);
  m.setPtr(1, memRegion, 0);
  m.setNum(2, mem.length);
  m.run();
  if (m.trap) return { ok: false, error: `${m.trap.pc}: ${m.trap.message}`, trap: m.trap };
  return { ok: true, r0: toBig(m.H[0], m.L[0]), insnsExecuted: m.count };
}
