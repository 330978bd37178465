// What every pass shares: its options, the change record it reports ("pc: what, and why it is
// sound"), and the context it works in. Passes are IR → IR, in place; none of them runs code.

import { disassembleInsn } from '../../isa/index.js';
import type { CoreConfig } from '../../isa/index.js';
import type { IrInsn, IrProgram } from '../ir/index.js';
import type { analyze } from '../analysis/absint.js';
import type { Absint } from '../analysis/absint.js';
import type { MapSizes } from '../analysis/transfer.js';

export interface PassOptions {
  /** the shortest frame the NIC delivers to the core (bytes; 14 = every length the kernel accepts) */
  readonly minFrame: number;
  readonly core: CoreConfig;
  /** key and value sizes of each map of the object (MapRef.map): how far a map value and a key reach */
  readonly maps?: readonly MapSizes[];
}

/** One change: where (the pc in the original program, -1 for an instruction a pass made), what, why. */
export interface Change {
  readonly pc: number;
  readonly pass: string;
  readonly what: string;
  /** the obligation and the fact that discharges it; never empty */
  readonly proof: string;
  /** instructions deleted by this change */
  readonly removed: number;
  /** instructions saved by fusing several into one syllable */
  readonly fused: number;
}

export interface PassContext {
  readonly options: PassOptions;
  /** records a change (the pass name is filled in) */
  report(at: IrInsn, what: string, proof: string, counts: { removed?: number; fused?: number }): void;
  /** the domain's facts on the IR as it is now */
  analysis(): Absint;
}

export interface Pass {
  readonly name: string;
  /** one line for --help and docs/PASSES.md */
  readonly summary: string;
  /** why its changes preserve behaviour (docs/PASSES.md) */
  readonly soundness: string;
  /** the core's extended syllables it emits (isa/syllables.ts) */
  readonly syllables: readonly string[];
  /** changes the IR in place; returns how many changes it made */
  run(ir: IrProgram, cx: PassContext): number;
}

/** The instruction as llvm-objdump would print it, jumps naming their target label. */
export function show(i: IrInsn): string {
  const text = disassembleInsn(i.insn, 0);
  return i.target === undefined ? text : text.replace(/(goto|call) [+-]?\d+( <[^>]*>)?/, `$1 ${i.target}`);
}

export const pcOf = (i: IrInsn): number => i.origin?.pc ?? -1;

export function absintOptions(o: PassOptions): Parameters<typeof analyze>[1] {
  return { minFrame: o.minFrame, clearsStack: o.core.clearsStack, clearsRegisters: o.core.clearsRegisters, maps: o.maps };
}
