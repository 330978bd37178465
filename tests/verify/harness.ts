// Test support for verify: programs built from Insn lists, run on the reference interpreter and
// evaluated through the Z3 encoding on the same concrete packet; and replaying counterexamples.

import type { DecodedProgram, Insn } from '../../isa/index.js';
import { layoutProgram } from '../../isa/index.js';
import type { LoadedObject, MapDef, Program } from '../../compiler/loader/types.js';
import { concreteEnv } from '../../compiler/verify/env.js';
import type { EntryBytes } from '../../compiler/verify/env.js';
import { select } from '../../compiler/verify/symmem.js';
import type { SymMem } from '../../compiler/verify/symmem.js';
import type { BV } from '../../compiler/verify/z3.js';
import { execute } from '../../compiler/verify/exec.js';
import { outcome } from '../../compiler/verify/outcome.js';
import { HEADROOM } from '../../compiler/verify/state.js';
import { z3 } from '../../compiler/verify/z3.js';
import type { Counterexample } from '../../compiler/verify/index.js';
import { InterpreterEngine } from '../../simulator/interpreter/engine.js';
import { parseFixture } from '../../simulator/maps/fixture.js';

/** pcs and slot count for a list of instructions (lddw takes two slots). */
export function decoded(insns: Insn[]): DecodedProgram {
  return layoutProgram(insns);
}

export function objectOf(program: Program, maps: readonly MapDef[] = [], file = 'test'): LoadedObject {
  return { file, format: 'raw', programs: [program], maps };
}

export function programOf(insns: Insn[], name = 'p'): Program {
  return { name, section: 'xdp', code: decoded(insns), functions: [{ name, start: 0 }], mapRefs: new Map() };
}

export interface Observed {
  readonly code: number;
  /** the packet as it leaves, hex (empty when the run aborted) */
  readonly packet: string;
  /** with maps: the entries of keys 0..n-1 of every map after the run, and the redirect ifindex */
  readonly maps?: string;
  readonly redirect?: number;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Maps for a run: definitions, entries by map index, and the keys (u32 0..keys-1) to compare after. */
export interface MapSetup {
  readonly defs: readonly MapDef[];
  readonly entries: readonly (readonly EntryBytes[])[];
  readonly keys: number;
}

const u32le = (k: number): Uint8Array => Uint8Array.of(k & 0xff, (k >>> 8) & 0xff, (k >>> 16) & 0xff, k >>> 24);

export async function interpret(program: Program, packet: Uint8Array, maps?: MapSetup): Promise<Observed> {
  const fixture = maps && parseFixture({
    maps: Object.fromEntries(maps.defs.map((d, i) => [d.name, { entries: (maps.entries[i] ?? []).map((e) => ({ key: hex(e.key), value: hex(e.value) })) }])),
  });
  const s = await new InterpreterEngine().open(objectOf(program, maps?.defs ?? []), program.name, fixture);
  const r = await s.run({ packet });
  const out: Observed = { code: r.code >>> 0, packet: r.code === 0 ? '' : hex(r.packet) };
  if (!maps) return out;
  const wanted = new Set([...Array(maps.keys).keys()].map((k) => hex(u32le(k))));
  const seen = maps.defs.map((d) => (r.maps[d.name] ?? []).filter((e) => wanted.has(e.key)).map((e) => `${e.key}=${e.value}`).sort());
  return { ...out, maps: JSON.stringify(seen), redirect: r.code === 4 ? r.redirect?.ifindex : undefined };
}

/** The encoding evaluated on one packet: every formula is ground, so simplify gives its value. */
export async function evaluate(program: Program, packet: Uint8Array, maps?: MapSetup): Promise<Observed> {
  const Z = await z3();
  const env = concreteEnv(Z, packet, maps?.defs ?? [], maps?.entries ?? []);
  const o = outcome(Z, await execute(env, program, 'test'));
  const value = async (e: Parameters<typeof Z.simplify>[0]): Promise<bigint> => {
    const v = await Z.simplify(e);
    if (!Z.isBitVecVal(v)) throw new Error(`not a constant: ${v.toString().slice(0, 200)}`);
    return v.value();
  };
  /** n bytes of a memory from index at(0): one simplify of their concatenation */
  const bytes = async (mem: SymMem, at: (j: number) => BV, n: number): Promise<Uint8Array> => {
    const out = new Uint8Array(n);
    if (n === 0) return out;
    const sel = [...out.keys()].map((j) => select(Z, mem, at(j)));
    const all = await value(n === 1 ? sel[0] : Z.Concat(...(sel as Parameters<typeof Z.Concat>)));
    for (let j = 0; j < n; j++) out[j] = Number((all >> BigInt(8 * (n - 1 - j))) & 0xffn);
    return out;
  };
  const code = Number(await value(o.action));
  let out: Observed = { code, packet: '' };
  if (code !== 0) {
    const start = Number(await value(o.start)), end = Number(await value(o.end));
    out = { code, packet: hex(await bytes(o.pkt, (j) => Z.BitVec.val(BigInt(start + j), 64), end - start)) };
  }
  if (!maps) return out;
  const seen: string[][] = [];
  for (const [i, d] of maps.defs.entries()) {
    const list: string[] = [];
    for (let k = 0; k < maps.keys; k++) {
      const key = Z.BitVec.val(BigInt(k), 32);
      const present = d.type === 'array' ? k < d.maxEntries : (await value(select(Z, o.present[i], key))) === 1n;
      if (present) list.push(`${hex(u32le(k))}=${hex(await bytes(o.values[i], (j) => Z.Concat(key, Z.BitVec.val(BigInt(j), 16)), d.valueSize))}`);
    }
    seen.push(list.sort());
  }
  const redirect = code === 4 ? Number((await value(o.redirect)) & 0xffffffffn) : undefined;
  return { ...out, maps: JSON.stringify(seen), redirect };
}

export { HEADROOM };

/** Runs a counterexample on the interpreter: the packet, its ctx fields and map entries. */
export async function replay(obj: LoadedObject, program: string, cex: Counterexample): Promise<{ code: number; packet: string; maps: string; perf: string }> {
  const fixture = parseFixture({ maps: cex.maps }, 'counterexample');
  const s = await new InterpreterEngine().open(obj, program, fixture);
  const r = await s.run({ packet: Buffer.from(cex.packet, 'hex'), ctx: { ingressIfindex: cex.ingressIfindex, rxQueueIndex: cex.rxQueueIndex } });
  const perf = (r.perfEvents ?? []).map((e) => ({ ...e, data: hex(e.data), sample: hex(e.sample) }));
  return { code: r.code >>> 0, packet: r.code === 0 ? '' : hex(r.packet), maps: JSON.stringify(r.maps), perf: JSON.stringify(perf) };
}
