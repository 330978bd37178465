// The minimal region analysis the scheduler needs to disambiguate memory: which region (packet,
// stack, ctx, a map value) each register points at before each instruction, by a forward
// dataflow over one function's blocks. Written here because compiler/analysis has no alias facts
// yet; it tracks no offsets and no spilled pointers (a pointer reloaded from the stack is unknown).

import { helperName } from '../../isa/index.js';
import type { Insn } from '../../isa/index.js';
import { successors } from '../ir/flow.js';
import type { IrFunction, IrInsn, IrProgram, Label } from '../ir/types.js';

/** What a register holds: a pointer into a region, a plain number, or unknown (may be anything). */
export type Region = 'ctx' | 'packet' | 'stack' | 'map' | 'scalar' | 'unknown';

/** Registers r0-r10 → region. */
export type RegionState = readonly Region[];

/** xdp_md fields that hold packet pointers (data, data_end, data_meta). */
const CTX_PACKET_FIELDS = new Set([0, 4, 8]);
const MAP_VALUE_HELPERS = new Set(['bpf_map_lookup_elem', 'bpf_map_lookup_percpu_elem']);

const ENTRY: RegionState = ['unknown', 'ctx', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'stack'];

function join(a: RegionState, b: RegionState): RegionState {
  return a.map((r, i) => (r === b[i] ? r : 'unknown'));
}

/** The state after `ir` given the state before it. */
export function transfer(s: RegionState, ir: IrInsn): RegionState {
  const out = [...s];
  const insn: Insn = ir.insn;
  switch (insn.kind) {
    case 'alu': {
      const src = insn.src.type === 'reg' ? s[insn.src.reg] : 'scalar';
      if (insn.op === 'mov' && insn.width === 64) out[insn.dst] = src;
      else if ((insn.op === 'add' || insn.op === 'sub') && insn.width === 64 && src === 'scalar' && s[insn.dst] !== 'unknown') out[insn.dst] = s[insn.dst];
      else out[insn.dst] = 'scalar';
      break;
    }
    case 'alu3': out[insn.dst] = 'scalar'; break;
    case 'end': out[insn.dst] = 'scalar'; break;
    case 'ldx':
      out[insn.dst] = s[insn.src] === 'ctx' && CTX_PACKET_FIELDS.has(insn.off) && insn.size === 4 ? 'packet' : s[insn.src] === 'stack' && insn.size === 8 ? 'unknown' : 'scalar';
      break;
    case 'ldx6': out[insn.dst] = 'scalar'; break;
    case 'lddw': out[insn.dst] = ir.mapRef?.kind === 'value' ? 'map' : 'scalar'; break;
    case 'call':
      for (const r of [1, 2, 3, 4, 5]) out[r] = 'unknown';
      out[0] = insn.target === 'helper' && MAP_VALUE_HELPERS.has(helperName(insn.id)) ? 'map' : 'scalar';
      break;
    case 'call-local': case 'callx':
      for (const r of [0, 1, 2, 3, 4, 5]) out[r] = 'unknown';
      break;
    case 'atomic':
      if (insn.fetch || insn.op === 'xchg') out[insn.src] = 'scalar';
      if (insn.op === 'cmpxchg') out[0] = 'scalar';
      break;
    case 'ld-abs': case 'ld-ind':
      out[0] = 'scalar';
      break;
    case 'exit-imm': out[0] = 'scalar'; break;
    case 'jmp': case 'ja': case 'exit': case 'st': case 'stx': case 'stx6': break;
  }
  return out;
}

/** The region state before every instruction of every function (keyed by the IrInsn object). */
export function regionStates(ir: IrProgram): Map<IrInsn, RegionState> {
  const out = new Map<IrInsn, RegionState>();
  const succ = successors(ir);
  for (const fn of ir.functions) analyseFunction(fn, succ, out);
  return out;
}

function analyseFunction(fn: IrFunction, succ: ReadonlyMap<Label, Label[]>, out: Map<IrInsn, RegionState>): void {
  const before = new Map<Label, RegionState>();
  if (fn.blocks.length === 0) return;
  before.set(fn.blocks[0].label, ENTRY);
  const byLabel = new Map(fn.blocks.map((b) => [b.label, b]));
  const work: Label[] = [fn.blocks[0].label];
  while (work.length > 0) {
    const label = work.pop()!;
    let s = before.get(label)!;
    for (const insn of byLabel.get(label)!.insns) s = transfer(s, insn);
    for (const next of succ.get(label) ?? []) {
      const old = before.get(next);
      const joined = old ? join(old, s) : s;
      if (!old || joined.some((r, i) => r !== old[i])) {
        before.set(next, joined);
        if (!work.includes(next)) work.push(next);
      }
    }
  }
  for (const b of fn.blocks) {
    let s = before.get(b.label) ?? ENTRY.map(() => 'unknown' as Region);
    for (const insn of b.insns) {
      out.set(insn, s);
      s = transfer(s, insn);
    }
  }
}
