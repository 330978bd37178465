// Operand syntax of the bpf_conformance assembler: registers `%r0`-`%r10`, immediates (decimal or
// hex, signed), memory references `[%r1+2]`, `[%r10-8]`, `[%r1]`, and jump targets (a label or
// `+N`/`-N`). Reports bad operands as plain Errors; assemble.ts adds the line number.

import { NUM_REGS } from '../opcodes.js';

export type Target = { readonly type: 'label'; readonly name: string } | { readonly type: 'rel'; readonly off: number };

export interface MemRef {
  readonly reg: number;
  readonly off: number;
}

const NUMBER = /^([+-]?)(0x[0-9a-f]+|[0-9]+)$/i;
const LABEL = /^[A-Za-z_.$][\w.$]*$/;

/** Splits an operand list at the commas that are not inside brackets. */
export function splitOperands(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '' || out.length > 0) out.push(cur.trim());
  return out;
}

export function isLabelName(s: string): boolean {
  return LABEL.test(s);
}

export function isRegister(s: string): boolean {
  return /^%r\d+$/.test(s);
}

export function parseRegister(s: string): number {
  const m = /^%r(\d+)$/.exec(s);
  if (!m) throw new Error(`expected a register %r0-%r10, found '${s}'`);
  const r = Number(m[1]);
  if (r >= NUM_REGS) throw new Error(`there is no register %r${r} (%r0-%r10)`);
  return r;
}

/** An integer literal as a BigInt, or undefined when `s` is not one. */
export function parseInteger(s: string): bigint | undefined {
  const m = NUMBER.exec(s);
  if (!m) return undefined;
  const v = BigInt(m[2]);
  return m[1] === '-' ? -v : v;
}

/**
 * A value for a `bits`-wide field as the signed number of that width. Immediates (32 bits) take
 * -2^31 to 2^32 - 1, so both -1 and 0xffffffff fit; offsets (16 bits) are signed: -32768 to 32767.
 */
export function parseImmediate(s: string, bits: 16 | 32, what = 'immediate'): number {
  const v = parseInteger(s);
  if (v === undefined) throw new Error(`expected a number for the ${what}, found '${s}'`);
  const max = bits === 32 ? 1n << 32n : 1n << 15n;
  if (v < -(1n << BigInt(bits - 1)) || v >= max) throw new Error(`${what} ${s} does not fit in ${bits} bits`);
  return Number(BigInt.asIntN(bits, v));
}

/** A 64-bit literal (lddw), as the unsigned 64-bit value. */
export function parseImmediate64(s: string): bigint {
  const v = parseInteger(s);
  if (v === undefined) throw new Error(`expected a 64-bit number, found '${s}'`);
  if (v < -(1n << 63n) || v >= 1n << 64n) throw new Error(`${s} does not fit in 64 bits`);
  return BigInt.asUintN(64, v);
}

/** `[%rN]`, `[%rN+off]`, `[%rN-off]` (off decimal or hex). */
export function parseMemRef(s: string): MemRef {
  const m = /^\[\s*(%r\d+)\s*(?:([+-])\s*(0x[0-9a-f]+|[0-9]+)\s*)?\]$/i.exec(s);
  if (!m) throw new Error(`expected a memory reference like [%r1+8], found '${s}'`);
  const reg = parseRegister(m[1]);
  if (m[2] === undefined) return { reg, off: 0 };
  return { reg, off: parseImmediate(m[2] + m[3], 16, 'offset') };
}

/** A jump target: a label name or a relative offset `+N`/`-N`. */
export function parseTarget(s: string): Target {
  if (/^[+-]/.test(s)) {
    const v = parseInteger(s);
    if (v === undefined) throw new Error(`expected a label or an offset like +3, found '${s}'`);
    return { type: 'rel', off: Number(v) };
  }
  if (isLabelName(s)) return { type: 'label', name: s };
  throw new Error(`expected a label or an offset like +3, found '${s}'`);
}
