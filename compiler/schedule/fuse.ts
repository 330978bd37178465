// The memory-add extension (CoreConfig.extensions.memoryAdd): `rX = *(size *)(rB + off); rX op= y;
// *(size *)(rB + off) = rX`, three adjacent instructions of a block, become one node and one
// syllable that does all three (rX is left as the sequence leaves it, so no liveness question).
// The fused node is the load's IrInsn copied, with the add and the store remembered here; the
// scheduler's def-use of a node (nodeDefuse) adds what the load alone does not say.

import { defuse } from '../../isa/index.js';
import type { DefUse, Insn } from '../../isa/index.js';
import type { IrProgram, IrInsn } from '../ir/types.js';

export interface MemoryAdd {
  /** the add (alu add, its dst the load's) */
  readonly add: IrInsn;
  /** the store back (stx to the load's base, offset and size, of the load's register) */
  readonly store: IrInsn;
}

/** Fused loads (fresh IrInsn objects made by fuseMemoryAdds) and what they stand for. */
const fused = new WeakMap<IrInsn, MemoryAdd>();

export function memoryAddOf(x: IrInsn): MemoryAdd | undefined {
  return fused.get(x);
}

/** Whether three instructions are a memory add. */
function isMemoryAdd(a: Insn, b: Insn, c: Insn): boolean {
  if (a.kind !== 'ldx' || a.signed || a.dst === a.src) return false;
  if (b.kind !== 'alu' || b.op !== 'add' || b.dst !== a.dst || b.extBits !== undefined) return false;
  return c.kind === 'stx' && same(a, c);
}

function same(a: Extract<Insn, { kind: 'ldx' }>, c: Extract<Insn, { kind: 'stx' }>): boolean {
  return c.dst === a.src && c.off === a.off && c.size === a.size && c.src === a.dst;
}

/** The program with each memory add of a block made one node; `count`: how many. */
export function fuseMemoryAdds(ir: IrProgram): { ir: IrProgram; count: number } {
  let count = 0;
  const functions = ir.functions.map((f) => ({
    ...f,
    blocks: f.blocks.map((b) => {
      const out: IrInsn[] = [];
      const xs = b.insns;
      for (let i = 0; i < xs.length; i++) {
        if (i + 2 < xs.length && isMemoryAdd(xs[i].insn, xs[i + 1].insn, xs[i + 2].insn)) {
          const node: IrInsn = { ...xs[i] };
          fused.set(node, { add: xs[i + 1], store: xs[i + 2] });
          out.push(node);
          count++;
          i += 2;
        } else out.push(xs[i]);
      }
      return { ...b, insns: out };
    }),
  }));
  return { ir: { ...ir, functions }, count };
}

/** A node's def-use: isa's, plus for a memory add the add's operand and the store. */
export function nodeDefuse(x: IrInsn): DefUse {
  const du = defuse(x.insn);
  const m = fused.get(x);
  if (!m) return du;
  const load = x.insn as Extract<Insn, { kind: 'ldx' }>;
  const extra = defuse(m.add.insn).reads.filter((r) => r !== load.dst && !du.reads.includes(r));
  return { ...du, reads: [...du.reads, ...extra].sort((p, q) => p - q), memWrites: [...du.memWrites, ...defuse(m.store.insn).memWrites] };
}
