// The bpf_conformance assembler: source text → Insn[] (encode with encodeProgram). Rows come from
// the opcode table via mnemonics.ts; every instruction built is checked by the strict decoder.
// It does not validate the program as a whole (validate.ts does).

import { decodeSlot } from '../decode.js';
import { encodeInsn } from '../encode.js';
import { AsmError } from '../errors.js';
import type { Insn, Operand } from '../insn.js';
import type { AtomicOp, OpRow } from '../opcodes.js';
import { ATOMIC_OPS } from '../opcodes.js';
import { resolveMnemonic } from './mnemonics.js';
import type { Resolved } from './mnemonics.js';
import {
  isLabelName, isRegister, parseImmediate, parseImmediate64, parseMemRef, parseRegister, parseTarget, splitOperands,
} from './operands.js';
import type { Target } from './operands.js';

/** One instruction line after the first pass. */
interface Item {
  readonly line: number;
  readonly pc: number;
  readonly mnemonic: string;
  /** `lock`: the words between `lock` and the first operand (`fetch`, `add32`) */
  readonly words: readonly string[];
  readonly operands: readonly string[];
  readonly resolved: Resolved;
}

/** What a builder needs besides the item: resolving jump targets to relative offsets. */
interface Ctx {
  readonly item: Item;
  target(t: string, bits: 16 | 32): number;
}

type Builder = (ctx: Ctx) => Insn;

/**
 * Assembles bpf_conformance syntax: one instruction per line, `#` comments, `name:` labels (alone
 * or before an instruction). A jump to `exit` with no `exit:` label goes to the first `exit`
 * instruction, as the suite's assembler does. Throws AsmError(line, why).
 */
export function assemble(source: string): Insn[] {
  const { items, labels } = firstPass(source);
  return items.map((item) => {
    const ctx: Ctx = { item, target: (t, bits) => resolveTarget(item, labels, t, bits) };
    try {
      const insn = builderFor(item)(ctx);
      const slots = encodeInsn(insn);
      decodeSlot(slots[0], item.pc, slots[1]);
      return insn;
    } catch (e) {
      if (e instanceof AsmError) throw e;
      throw new AsmError(item.line, `${item.mnemonic}: ${(e as Error).message}`);
    }
  });
}

function firstPass(source: string): { items: Item[]; labels: Map<string, number> } {
  const items: Item[] = [];
  const labels = new Map<string, number>();
  let pc = 0;
  source.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    let text = raw.replace(/#.*/, '').trim();
    for (let m = /^([^\s:]+)\s*:\s*(.*)$/s.exec(text); m; m = /^([^\s:]+)\s*:\s*(.*)$/s.exec(text)) {
      if (!isLabelName(m[1])) throw new AsmError(line, `'${m[1]}' is not a valid label name`);
      if (labels.has(m[1])) throw new AsmError(line, `label '${m[1]}' is defined twice`);
      labels.set(m[1], pc);
      text = m[2];
    }
    if (text === '') return;
    const item = parseLine(text, line, pc);
    items.push(item);
    pc += item.resolved.rows[0].kind === 'lddw' ? 2 : 1;
  });
  if (!labels.has('exit')) {
    const first = items.find((it) => it.mnemonic === 'exit' && it.operands.length === 0);
    if (first) labels.set('exit', first.pc);
  }
  return { items, labels };
}

function parseLine(text: string, line: number, pc: number): Item {
  const m = /^(\S+)\s*(.*)$/s.exec(text)!;
  const mnemonic = m[1].toLowerCase();
  let rest = m[2];
  const words: string[] = [];
  if (mnemonic === 'lock') {
    const w = /^((?:[a-z0-9]+\s+)*[a-z0-9]+)\s*(.*)$/is.exec(rest);
    if (!w) throw new AsmError(line, 'lock: expected an operation, as in `lock add [%r1+0], %r2`');
    for (const word of w[1].toLowerCase().split(/\s+/)) words.push(word);
    rest = w[2];
  }
  const resolved = resolveMnemonic(mnemonic);
  if (!resolved) throw new AsmError(line, `unknown instruction '${m[1]}'`);
  return { line, pc, mnemonic, words, operands: splitOperands(rest), resolved };
}

function resolveTarget(item: Item, labels: Map<string, number>, text: string, bits: 16 | 32): number {
  const t: Target = parseTarget(text);
  let off: number;
  if (t.type === 'rel') off = t.off;
  else {
    const at = labels.get(t.name);
    if (at === undefined) throw new AsmError(item.line, `undefined label '${t.name}'`);
    off = at - (item.pc + 1);
  }
  if (off < -(2 ** (bits - 1)) || off >= 2 ** (bits - 1))
    throw new AsmError(item.line, `jump offset ${off} does not fit in ${bits} bits`);
  return off;
}

function expect(ctx: Ctx, n: number, form: string): readonly string[] {
  const ops = ctx.item.operands;
  if (ops.length !== n) throw new Error(`expected ${n} operand${n === 1 ? '' : 's'} (${form}), found ${ops.length}`);
  return ops;
}

/** The row among the candidates whose operand source (register or immediate) matches. */
function pickRow(ctx: Ctx, operand: string): OpRow {
  const x = isRegister(operand);
  const row = ctx.item.resolved.rows.find((r) => r.x === x);
  if (!row) throw new Error(`takes ${x ? 'no register' : 'a register, not an immediate,'} as its source operand`);
  return row;
}

const operand = (s: string): Operand =>
  isRegister(s) ? { type: 'reg', reg: parseRegister(s) } : { type: 'imm', value: parseImmediate(s, 32) };

function builderFor(item: Item): Builder {
  const kinds = new Set(item.resolved.rows.map((r) => r.kind));
  if (item.mnemonic === 'lock') return buildAtomic;
  if (kinds.has('exit')) return buildExit;
  const kind = item.resolved.rows[0].kind;
  const b = BUILDERS[kind as keyof typeof BUILDERS];
  if (!b) throw new AsmError(item.line, `${item.mnemonic}: no assembler syntax for ${kind}`);
  return b;
}

function buildAlu(ctx: Ctx): Insn {
  const { resolved } = ctx.item;
  const base = resolved.rows[0];
  const op = resolved.alu ?? base.alu!;
  if (op === 'neg') {
    const [dst] = expect(ctx, 1, 'dst');
    return { kind: 'alu', op, width: base.width!, dst: parseRegister(dst), src: { type: 'imm', value: 0 } };
  }
  const ops = ctx.item.operands;
  if (ops.length === 3) {
    if (op === 'mov' || op === 'movsx') throw new Error(`${op} has no 3-operand form`);
    const row = pickRow(ctx, ops[2]);
    return { kind: 'alu3', op, width: row.width!, dst: parseRegister(ops[0]), a: parseRegister(ops[1]), b: operand(ops[2]) };
  }
  const [dst, src] = expect(ctx, 2, 'dst, src');
  const row = pickRow(ctx, src);
  const insn = { kind: 'alu', op, width: row.width!, dst: parseRegister(dst), src: operand(src) } as const;
  return resolved.extBits ? { ...insn, extBits: resolved.extBits } : insn;
}

function buildEnd(ctx: Ctx): Insn {
  const [dst] = expect(ctx, 1, 'dst');
  const { rows, bits } = ctx.item.resolved;
  return { kind: 'end', order: rows[0].order!, bits: bits!, dst: parseRegister(dst) };
}

function buildJmp(ctx: Ctx): Insn {
  const [dst, src, target] = expect(ctx, 3, 'dst, src, target');
  const row = pickRow(ctx, src);
  return { kind: 'jmp', cond: row.cond!, width: row.width!, dst: parseRegister(dst), src: operand(src), off: ctx.target(target, 16) };
}

function buildJa(ctx: Ctx): Insn {
  const [target] = expect(ctx, 1, 'target');
  const wide = ctx.item.resolved.rows[0].width === 32;
  return { kind: 'ja', off: ctx.target(target, wide ? 32 : 16), wide };
}

/** `call N` (helper), `call local label`, `call kfunc N`, `call %rN` (callx), `callx %rN`. */
function buildCall(ctx: Ctx): Insn {
  const [arg] = expect(ctx, 1, 'helper number, local label or register');
  if (ctx.item.resolved.rows[0].x || isRegister(arg)) return { kind: 'callx', reg: parseRegister(arg) };
  const local = /^local\s+(\S+)$/.exec(arg);
  if (local) return { kind: 'call-local', off: ctx.target(local[1], 32) };
  const kfunc = /^kfunc\s+(\S+)$/.exec(arg);
  if (kfunc) return { kind: 'call', target: 'kfunc', id: parseImmediate(kfunc[1], 32, 'kfunc id') };
  return { kind: 'call', target: 'helper', id: parseImmediate(arg, 32, 'helper number') };
}

/** `exit`, or `exit N` (the core's exit-imm, when the opcode table has it). */
function buildExit(ctx: Ctx): Insn {
  const ops = ctx.item.operands;
  if (ops.length === 0) return { kind: 'exit' };
  if (ops.length === 1 && ctx.item.resolved.rows.some((r) => r.kind === 'exit-imm'))
    return { kind: 'exit-imm', action: parseImmediate(ops[0], 32, 'exit action') };
  throw new Error(`expected no operand, or one action (exit 2), found ${ops.length}`);
}

function buildLddw(ctx: Ctx): Insn {
  const [dst, value] = expect(ctx, 2, 'dst, imm64');
  const v = parseImmediate64(value);
  return { kind: 'lddw', dst: parseRegister(dst), pseudo: 0, lo: Number(v & 0xffffffffn), hi: Number(v >> 32n) };
}

function buildLoad(ctx: Ctx): Insn {
  const [dst, mem] = expect(ctx, 2, 'dst, [src+off]');
  const row = ctx.item.resolved.rows[0];
  const { reg, off } = parseMemRef(mem);
  if (row.kind === 'ldx6') return { kind: 'ldx6', dst: parseRegister(dst), src: reg, off };
  return { kind: 'ldx', size: row.size!, signed: row.signed === true, dst: parseRegister(dst), src: reg, off };
}

function buildStore(ctx: Ctx): Insn {
  const [mem, value] = expect(ctx, 2, '[dst+off], src');
  const row = ctx.item.resolved.rows[0];
  const { reg, off } = parseMemRef(mem);
  if (row.kind === 'st') return { kind: 'st', size: row.size!, dst: reg, off, imm: parseImmediate(value, 32) };
  if (row.kind === 'stx6') return { kind: 'stx6', dst: reg, src: parseRegister(value), off };
  return { kind: 'stx', size: row.size!, dst: reg, src: parseRegister(value), off };
}

/** `lock [fetch] add|or|and|xor[32] [%rD+off], %rS`, `lock xchg[32] ...`, `lock cmpxchg[32] ...` */
function buildAtomic(ctx: Ctx): Insn {
  const words = [...ctx.item.words];
  const fetch = words[0] === 'fetch';
  if (fetch) words.shift();
  const m = words.length === 1 ? /^([a-z]+?)(32)?$/.exec(words[0]) : null;
  const op = m?.[1] as AtomicOp | undefined;
  if (!m || !op || !ATOMIC_OPS.includes(op)) throw new Error(`unknown atomic operation '${ctx.item.words.join(' ')}'`);
  if (fetch && (op === 'xchg' || op === 'cmpxchg')) throw new Error(`${op} always fetches: write it without 'fetch'`);
  const size = m[2] ? 4 : 8;
  const row = ctx.item.resolved.rows.find((r) => r.size === size);
  if (!row) throw new Error(`no ${size * 8}-bit atomic row in the opcode table`);
  const [mem, src] = expect(ctx, 2, '[dst+off], src');
  const { reg, off } = parseMemRef(mem);
  return { kind: 'atomic', op, fetch: fetch || op === 'xchg' || op === 'cmpxchg', size, dst: reg, src: parseRegister(src), off };
}

function buildLdAbs(ctx: Ctx): Insn {
  const [value] = expect(ctx, 1, 'imm');
  return { kind: 'ld-abs', size: ctx.item.resolved.rows[0].size as 1 | 2 | 4, imm: parseImmediate(value, 32) };
}

function buildLdInd(ctx: Ctx): Insn {
  const [src, value] = expect(ctx, 2, 'src, imm');
  return { kind: 'ld-ind', size: ctx.item.resolved.rows[0].size as 1 | 2 | 4, src: parseRegister(src), imm: parseImmediate(value, 32) };
}

/** `jlen N, label`: the core's `if len < N goto label`. */
function buildJlen(ctx: Ctx): Insn {
  const [len, target] = expect(ctx, 2, 'packet length, target');
  const n = parseImmediate(len, 32, 'packet length');
  if (n < 0) throw new Error(`packet length ${len} is negative`);
  return { kind: 'jlen', len: n, off: ctx.target(target, 16) };
}

const BUILDERS = {
  alu: buildAlu, end: buildEnd, jmp: buildJmp, ja: buildJa, call: buildCall, lddw: buildLddw,
  ldx: buildLoad, ldx6: buildLoad, st: buildStore, stx: buildStore, stx6: buildStore,
  'ld-abs': buildLdAbs, 'ld-ind': buildLdInd, jlen: buildJlen,
} as const;
