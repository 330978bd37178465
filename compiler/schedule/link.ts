// Linking scheduled programs for tail calls: a program that calls bpf_tail_call continues in
// whatever program its prog array names, which the control plane fills with programs of the same
// object and type. The rows hold all of them, the entry program first (RowProgram.programs), each
// one's jumps moved by its first row; a tail call that succeeds continues at its target's entry row.

import { isTailCall } from '../../isa/index.js';
import type { LinkedProgram, Row, RowProgram } from '../../isa/index.js';
import type { IrProgram } from '../ir/types.js';
import type { LoadedObject, Program } from '../loader/types.js';
import type { ScheduleResult } from './index.js';

/** Whether a program calls bpf_tail_call. */
export function callsTailCall(p: Program | IrProgram): boolean {
  if ('code' in p) return p.code.insns.some(isTailCall);
  return p.functions.some((f) => f.blocks.some((b) => b.insns.some((x) => isTailCall(x.insn))));
}

/**
 * The programs a tail call of `entry` may reach: every other program of the object of its type
 * (the kernel's prog arrays hold programs of one type and attach type), in the object's order.
 */
export function tailCallTargets(obj: LoadedObject, entry: string): string[] {
  const e = obj.programs.find((p) => p.name === entry);
  if (!e) return [];
  const same = (p: Program) => (p.type?.kind ?? 'xdp') === (e.type?.kind ?? 'xdp')
    && (p.type?.kind !== 'xdp' || e.type?.kind !== 'xdp' || p.type.attach === e.type.attach)
    && (p.type?.kind !== 'other' || e.type?.kind !== 'other' || p.type.type === e.type.type);
  return obj.programs.filter((p) => p.name !== entry && same(p)).map((p) => p.name);
}

/**
 * Whether a tail call may start `program`: some program of its type in the object calls
 * bpf_tail_call (itself included: the linked rows hold the entry program too, and a prog array may
 * name it). Such a program may start in the frame the program before left: its stack and
 * registers (but r1) hold that program's bytes, not the zeros of a packet's start.
 */
export function tailCallReachable(obj: LoadedObject, program: string): boolean {
  return obj.programs.some((p) => callsTailCall(p) && (p.name === program || tailCallTargets(obj, p.name).includes(program)));
}

/** The rows of `parts` (the entry program first) one after the other, jumps moved, with the program table. */
export function linkRows(parts: readonly RowProgram[]): RowProgram {
  const lanes = parts[0].lanes;
  const rows: Row[] = [];
  const programs: LinkedProgram[] = [];
  for (const p of parts) {
    if (p.lanes !== lanes) throw new Error(`linkRows: ${p.name} has ${p.lanes} lanes, ${parts[0].name} ${lanes}`);
    if (p.programs) throw new Error(`linkRows: ${p.name} is linked already`);
    const base = rows.length;
    programs.push({ name: p.name, entry: base + p.entry, rows: p.rows.length, originalInsns: p.originalInsns });
    for (const row of p.rows) rows.push(base === 0 ? row : row.map((s) => (s && s.target !== undefined ? { ...s, target: s.target + base } : s)));
  }
  return { name: parts[0].name, lanes, rows, entry: programs[0].entry, originalInsns: parts[0].originalInsns, programs };
}

/**
 * The entry program scheduled by `one`, and, when it calls bpf_tail_call, every program a tail
 * call may reach, linked after it. `one` schedules a program by name (it may run passes first); a
 * target it refuses is refused with the target's name.
 */
export function scheduleLinked(obj: LoadedObject, entry: string, one: (program: string) => ScheduleResult, refuse: (program: string, e: Error) => Error): ScheduleResult {
  const main = one(entry);
  if (!main.program.rows.some((row) => row.some((s) => s && isTailCall(s.insn)))) return main;
  const parts = [main];
  for (const name of tailCallTargets(obj, entry)) {
    try {
      parts.push(one(name));
    } catch (e) {
      throw refuse(name, e as Error);
    }
  }
  const program = linkRows(parts.map((r) => r.program));
  const rows = program.rows.length;
  const syllables = parts.reduce((s, r) => s + r.stats.syllables, 0);
  return {
    program,
    stats: {
      ...main.stats, rows, syllables, ipc: rows === 0 ? 0 : syllables / rows,
      blocks: parts.reduce((s, r) => s + r.stats.blocks, 0), blockRows: parts.flatMap((r) => r.stats.blockRows),
      linked: parts.map((r) => ({ name: r.program.name, rows: r.stats.rows })),
    },
  };
}
