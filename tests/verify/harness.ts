// Test support for verify: programs built from Insn lists, run on the reference interpreter and
// evaluated through the Z3 encoding on the same concrete packet; and replaying counterexamples.

import type { DecodedProgram, Insn } from '../../isa/index.js';
import type { LoadedObject, MapDef, Program } from '../../compiler/loader/types.js';
import { concreteEnv } from '../../compiler/verify/env.js';
import { execute } from '../../compiler/verify/exec.js';
import { outcome } from '../../compiler/verify/outcome.js';
import { HEADROOM } from '../../compiler/verify/state.js';
import { z3 } from '../../compiler/verify/z3.js';
import type { Counterexample } from '../../compiler/verify/index.js';
import { InterpreterEngine } from '../../simulator/interpreter/engine.js';
import { parseFixture } from '../../simulator/maps/fixture.js';

/** pcs and slot count for a list of instructions (lddw takes two slots). */
export function decoded(insns: Insn[]): DecodedProgram {
  const pcs: number[] = [];
  let slot = 0;
  for (const insn of insns) {
    pcs.push(slot);
    slot += insn.kind === 'lddw' ? 2 : 1;
  }
  return { insns, pcs, slots: slot };
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
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export async function interpret(program: Program, packet: Uint8Array): Promise<Observed> {
  const s = await new InterpreterEngine().open(objectOf(program), program.name);
  const r = await s.run({ packet });
  return { code: r.code >>> 0, packet: r.code === 0 ? '' : hex(r.packet) };
}

/** The encoding evaluated on one packet: every formula is ground, so simplify gives its value. */
export async function evaluate(program: Program, packet: Uint8Array): Promise<Observed> {
  const Z = await z3();
  const env = concreteEnv(Z, packet);
  const o = outcome(Z, await execute(env, program, 'test'));
  const value = async (e: Parameters<typeof Z.simplify>[0]): Promise<bigint> => {
    const v = await Z.simplify(e);
    if (!Z.isBitVecVal(v)) throw new Error(`not a constant: ${v.toString().slice(0, 200)}`);
    return v.value();
  };
  const code = Number(await value(o.action));
  if (code === 0) return { code, packet: '' };
  const start = Number(await value(o.start)), end = Number(await value(o.end));
  const out = new Uint8Array(end - start);
  if (out.length === 0) return { code, packet: '' };
  // one simplify for the whole packet: its bytes concatenated, the first most significant
  const bytes = [...out.keys()].map((j) => o.pkt.select(Z.BitVec.val(BigInt(start + j), 64)));
  const all = await value(bytes.length === 1 ? bytes[0] : Z.Concat(...(bytes as Parameters<typeof Z.Concat>)));
  for (let j = 0; j < out.length; j++) out[j] = Number((all >> BigInt(8 * (out.length - 1 - j))) & 0xffn);
  return { code, packet: hex(out) };
}

export { HEADROOM };

/** Runs a counterexample on the interpreter: the packet, its ctx fields and map entries. */
export async function replay(obj: LoadedObject, program: string, cex: Counterexample): Promise<{ code: number; packet: string; maps: string }> {
  const fixture = parseFixture({ maps: cex.maps }, 'counterexample');
  const s = await new InterpreterEngine().open(obj, program, fixture);
  const r = await s.run({ packet: Buffer.from(cex.packet, 'hex'), ctx: { ingressIfindex: cex.ingressIfindex, rxQueueIndex: cex.rxQueueIndex } });
  return { code: r.code >>> 0, packet: r.code === 0 ? '' : hex(r.packet), maps: JSON.stringify(r.maps) };
}
