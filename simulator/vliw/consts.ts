// The constant register slots of the row executor: each immediate operand of the program gets
// a machine register slot holding its value, as machine/semantics expects for `src` operands.

import type { RowProgram } from '../../isa/index.js';
import { FIRST_CONST } from '../machine/index.js';
import type { Machine } from '../machine/index.js';

export class ConstSlots {
  private readonly slots = new Map<number, number>();

  constructor(p: RowProgram) {
    for (const row of p.rows)
      for (const s of row) {
        if (!s) continue;
        // a memory-add syllable (CoreConfig's memoryAdd) carries its add's immediate too
        for (const i of s.memoryAdd ? [s.insn, s.memoryAdd.add] : [s.insn]) {
          const op = i.kind === 'alu' || i.kind === 'jmp' ? i.src : i.kind === 'alu3' ? i.b : undefined;
          if (op?.type === 'imm' && !this.slots.has(op.value)) this.slots.set(op.value, FIRST_CONST + this.slots.size);
        }
      }
  }

  /** The first slot after the constants. */
  get end(): number {
    return FIRST_CONST + this.slots.size;
  }

  slotOf(v: number): number {
    return this.slots.get(v)!;
  }

  install(m: Machine): void {
    for (const [v, slot] of this.slots) {
      m.L[slot] = v;
      m.H[slot] = v >> 31;
    }
  }
}
