// Mnemonics of the bpf_conformance assembler, resolved against the one opcode table: a name → rows
// index built from OPCODES, plus the spellings that select a variant of a row (sdiv, movsx832,
// le16, swap64). Knows no operand syntax (operands.ts) and builds no instruction (assemble.ts).

import { OPCODES } from '../opcodes.js';
import type { AluOp, OpRow } from '../opcodes.js';

/** What a mnemonic says beyond its rows: the variant it selects. */
export interface Resolved {
  /** candidate rows (e.g. the K and X forms); operands choose among them */
  readonly rows: readonly OpRow[];
  /** ALU: the operation when the mnemonic names a variant (sdiv, smod, movsx) */
  readonly alu?: AluOp;
  /** movsx: the source width that is sign-extended */
  readonly extBits?: 8 | 16 | 32;
  /** byte order conversion: the width */
  readonly bits?: 16 | 32 | 64;
}

/** name → rows, from the `mnemonic` of every row of OPCODES. */
export const ROWS_BY_MNEMONIC: ReadonlyMap<string, readonly OpRow[]> = (() => {
  const m = new Map<string, OpRow[]>();
  for (const row of OPCODES) {
    if (!row) continue;
    const list = m.get(row.mnemonic) ?? [];
    list.push(row);
    m.set(row.mnemonic, list);
  }
  return m;
})();

/** Rows that mean nothing without a variant suffix: `le` alone is not an instruction. */
const NEEDS_SUFFIX = new Set(['le', 'be', 'bswap']);

/** Resolves a mnemonic to its rows and variant; undefined when no row answers to it. */
export function resolveMnemonic(name: string): Resolved | undefined {
  const exact = ROWS_BY_MNEMONIC.get(name);
  if (exact && !NEEDS_SUFFIX.has(name)) return { rows: exact };

  const end = /^(le|be|bswap|swap)(16|32|64)$/.exec(name);
  if (end) {
    const rows = ROWS_BY_MNEMONIC.get(end[1] === 'swap' ? 'bswap' : end[1]);
    return rows && { rows, bits: Number(end[2]) as 16 | 32 | 64 };
  }
  // sdiv, smod[32]: the div/mod rows with off = 1
  const signed = /^s(div|mod)(32)?$/.exec(name);
  if (signed) {
    const rows = ROWS_BY_MNEMONIC.get(signed[1] + (signed[2] ?? ''));
    return rows && { rows, alu: ('s' + signed[1]) as AluOp };
  }
  // movsx<from><width>: mov with a register source and off = from
  const sx = /^movsx(8|16|32)(32|64)$/.exec(name);
  if (sx) {
    const rows = ROWS_BY_MNEMONIC.get(sx[2] === '32' ? 'mov32' : 'mov')?.filter((r) => r.x);
    return rows && { rows, alu: 'movsx', extBits: Number(sx[1]) as 8 | 16 | 32 };
  }
  return undefined;
}
