// The execution context of one program and what every instruction model shares: reading typed
// registers, one-line failures (VerifyError), constant checks, and the packet guard (a failed
// access ends the run XDP_ABORTED). No instruction semantics here.

import type { DecodedProgram } from '../../isa/index.js';
import type { MapRef } from '../loader/types.js';
import { VerifyError } from './errors.js';
import { foldByFacts } from './facts.js';
import { and, negate } from './state.js';
import type { Env, State } from './state.js';
import { describe } from './value.js';
import type { PtrVal, Val } from './value.js';
import type { B, BV, Z3 } from './z3.js';

/** What verify needs of a program (a loader Program fits). */
export interface ProgramInput {
  readonly name?: string;
  readonly code: DecodedProgram;
  readonly mapRefs?: ReadonlyMap<number, MapRef>;
}

/** One way a run ends: when (cond), with which action (32 bits), in which state. */
export interface Exit {
  readonly cond: B;
  /** the flow condition (State.flow) of the exit; for a failed guard, flow and not ok */
  readonly flow: B;
  readonly action: BV;
  readonly state: State;
  /** the instruction index of the exit or of the access that failed the guard */
  readonly index: number;
  readonly aborted: boolean;
  /** the run took a loop's back edge once more than the unrolling allows */
  readonly unbounded?: boolean;
  /**
   * the run left by a tail call that switched programs (helpers.ts): the prog array's map index,
   * the index (low 32 bits of r3) and the tail-call count before the call, as concat(32, 32, 32);
   * `action` is then 0 and means nothing
   */
  readonly tail?: BV;
}

/** The execution context of one program. */
export interface Cx {
  readonly env: Env;
  readonly Z: Z3;
  readonly side: string;
  readonly prog: ProgramInput;
  readonly exits: Exit[];
  readonly indexOfSlot: ReadonlyMap<number, number>;
  /** how many times a run may take loop back edges (in all) */
  readonly unroll: number;
}

export const XDP_ABORTED = 0;

export function fail(cx: Cx, i: number, why: string): never {
  throw new VerifyError(i, why, cx.side);
}

/**
 * The value of a constant as a signed number, or undefined when it is not one. Addresses and
 * sizes are folded where they are built (symmem.ts addBV), so no solver call is needed.
 */
export function concrete(Z: Z3, v: BV): number | undefined {
  return Z.isBitVecVal(v) ? Number(BigInt.asIntN(v.size(), v.value())) : undefined;
}

/** Continues only where `ok` holds; where it fails, the run ends XDP_ABORTED (the packet guard). */
export function guard(cx: Cx, s: State, ok: B, i: number): State | undefined {
  const Z = cx.Z;
  ok = foldByFacts(Z, cx.env.ranges, s.facts, cx.env.ranges.fold(ok));
  if (Z.isTrue(ok)) return s;
  cx.exits.push({ cond: and(Z, s.pc, negate(Z, ok)), flow: and(Z, s.flow, negate(Z, ok)), action: Z.BitVec.val(XDP_ABORTED, 32), state: s, index: i, aborted: true });
  return Z.isFalse(ok) ? undefined : { ...s, pc: and(Z, s.pc, ok) };
}

export function read(cx: Cx, s: State, r: number, i: number): Val {
  const v = s.regs[r];
  if (v.t === 'undef') fail(cx, i, `r${r} is read while it holds an ${describe(v)}`);
  return v;
}

export function readNum(cx: Cx, s: State, r: number, i: number): BV {
  const v = read(cx, s, r, i);
  if (v.t !== 'num') fail(cx, i, `r${r} holds a ${describe(v)} where a number is needed`);
  return v.v;
}

export function readPtr(cx: Cx, s: State, r: number, i: number): PtrVal {
  const v = read(cx, s, r, i);
  if (v.t !== 'ptr') fail(cx, i, `r${r} is used as a pointer but holds a number`);
  return v;
}

