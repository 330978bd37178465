// One row of the core's timing, statically: the operand interlock, the helper stall and when each
// result becomes readable, from the row tables of isa/timing.ts (the ones simulator/core/pipeline.ts
// runs), on a state of ready times relative to the row's fetch. What the simulator learns at run
// time (a load's region, the map r1 names) is taken at its worst unless the path shows it.

import { arrayUpdateCycles, defuse, exitDrain, HELPER_MAP_UPDATE, isArrayMap, HELPER_ADJUST_TAIL, HELPER_CSUM_DIFF, HELPER_DATA_MAX_BYTES, HELPER_PERF_EVENT_OUTPUT, helperDataCycles, helperStallCycles, isTailCall, Producer, slowestLoad } from '../../isa/index.js';
import type { CoreConfig, MapSpec, Row, RowTiming } from '../../isa/index.js';

/** Registers the core tracks (r0-r10 and the renaming registers up to 16). */
const REGS = 16;
/** r1 names no map we know of (anything: the worst lookup is taken). */
export const UNKNOWN_MAP = -1;

/**
 * Ready times relative to the fetch of the next row (≤ 0: readable now), the map r1 names, the
 * constants r2, r4 and r5 hold (undefined: unknown; the helper unit's data cycles read them) and
 * whether the path has called adjust_tail (before that, a packet's tail holds no stale bytes).
 */
export interface TimingState {
  readonly same: Int32Array;
  readonly any: Int32Array;
  readonly lane: Int8Array;
  readonly r1map: number;
  readonly r2?: number;
  readonly r4?: number;
  /** bpf_perf_event_output's data size */
  readonly r5?: number;
  readonly tailMoved?: boolean;
}

export function startState(): TimingState {
  return { same: new Int32Array(REGS), any: new Int32Array(REGS), lane: new Int8Array(REGS).fill(-1), r1map: UNKNOWN_MAP };
}

/** A key equal for states that time every later row the same (registers still pending, r1's map, r2/r4's constants). */
export function stateKey(s: TimingState): string {
  let k = `${s.r1map}/${s.r2 ?? '?'}/${s.r4 ?? '?'}/${s.r5 ?? '?'}/${s.tailMoved ? 1 : 0}`;
  for (let r = 0; r < REGS; r++) if (s.any[r] > 0) k += `|${r}:${Math.max(0, s.same[r])}:${s.any[r]}:${s.lane[r]}`;
  return k;
}

/** What a core and an object fix for the whole walk. */
export interface StepContext {
  readonly core: CoreConfig;
  /** map types by map index (LoadedObject.maps) */
  readonly mapTypes: readonly string[];
  /** the maps' sizes by map index, when known: a hash map's walk is bounded by them */
  readonly maps?: readonly MapSpec[];
  /**
   * cycles a row waits when a load of it reads external memory (the program has maps there,
   * isa/extmem.ts): charged to every row with a load, which of them reads external memory being
   * unknown here
   */
  readonly externalWait?: number;
}

export interface RowStep {
  /** cycles the row waited for operands */
  readonly stall: number;
  /** cycles the helper call added after the row (0 without a call) */
  readonly helperStall: number;
  /** the state after the row's results are committed, relative to the row's issue */
  readonly committed: TimingState;
}

function helperStall(ctx: StepContext, r1map: number): number {
  if (r1map !== UNKNOWN_MAP) return helperStallCycles(ctx.core, ctx.mapTypes[r1map], ctx.maps?.[r1map]);
  let worst = helperStallCycles(ctx.core, undefined);
  ctx.mapTypes.forEach((t, i) => { worst = Math.max(worst, helperStallCycles(ctx.core, t, ctx.maps?.[i])); });
  return worst;
}

/** The map r1 names after the row: an lddw of a map into r1 names it; any other write forgets it. */
function r1After(row: Row, before: number): number {
  let m = before;
  for (const s of row) {
    if (!s) continue;
    const i = s.insn;
    if (i.kind === 'lddw' && i.dst === 1) m = s.mapRef?.kind === 'fd' ? s.mapRef.map : UNKNOWN_MAP;
    else if (i.kind === 'call' || ('dst' in i && i.dst === 1 && i.kind !== 'st' && i.kind !== 'stx' && i.kind !== 'stx6' && i.kind !== 'atomic')) m = UNKNOWN_MAP;
  }
  return m;
}

/** The helper unit's data cycles of the row's call (isa's helperDataCycles), at their worst where the path leaves r2, r4 or the tail unknown. */
function dataCycles(ctx: StepContext, row: Row, s: TimingState): number {
  const call = row.find((x) => x?.insn.kind === 'call');
  const id = call && call.insn.kind === 'call' && call.insn.target === 'helper' ? call.insn.id : -1;
  if (id === HELPER_CSUM_DIFF) return helperDataCycles(ctx.core, id, s.r2 ?? HELPER_DATA_MAX_BYTES, s.r4 ?? HELPER_DATA_MAX_BYTES, 0);
  if (id === HELPER_ADJUST_TAIL) return s.tailMoved ? helperDataCycles(ctx.core, id, s.r2 ?? HELPER_DATA_MAX_BYTES, 0, HELPER_DATA_MAX_BYTES) : 0;
  // perf_event_output: a sample of at most the packet (HELPER_DATA_MAX_BYTES); data of r5 bytes, or
  // at worst as much as the largest memory it may come from (the packet, the stack, a map value)
  // an update on an array map copies its value (on any array the call may name, at worst)
  if (id === HELPER_MAP_UPDATE) {
    const copy = (i: number) => (isArrayMap(ctx.mapTypes[i] ?? '') ? arrayUpdateCycles(ctx.core, ctx.maps?.[i]?.valueSize ?? HELPER_DATA_MAX_BYTES) : 0);
    return s.r1map !== UNKNOWN_MAP ? copy(s.r1map) : Math.max(0, ...ctx.mapTypes.map((_, i) => copy(i)));
  }
  if (id === HELPER_PERF_EVENT_OUTPUT) {
    const data = s.r5 ?? Math.max(HELPER_DATA_MAX_BYTES, ctx.core.stackBytes, ...(ctx.maps ?? []).map((m) => m.valueSize));
    return helperDataCycles(ctx.core, id, 0, 0, 0, { r3hi: HELPER_DATA_MAX_BYTES, r5: data, packetLength: HELPER_DATA_MAX_BYTES });
  }
  return 0;
}

/** The constant register `reg` holds after the row: a mov of an immediate sets it, any other write (a call's too) forgets it. */
function constAfter(row: Row, reg: number, before: number | undefined): number | undefined {
  let v = before;
  for (const x of row) {
    if (!x) continue;
    const i = x.insn;
    if (i.kind === 'alu' && i.op === 'mov' && i.dst === reg && i.src.type === 'imm') v = i.src.value;
    else if (i.kind === 'call' || defuse(i).writes.includes(reg)) v = undefined;
  }
  return v;
}

/** Times one row fetched at relative cycle 0 in state `s` (the pipeline's interlock and commit). */
export function stepRow(ctx: StepContext, row: Row, tm: RowTiming, s: TimingState): RowStep {
  const rd = tm.reads;
  let at = 0;
  for (let k = 0; k < rd.length; k += 2) {
    const reg = rd[k];
    const need = s.lane[reg] !== rd[k + 1] ? s.any[reg] : s.same[reg];
    if (need > at) at = need;
  }
  if (ctx.externalWait && tm.loads) at += ctx.externalWait;
  // a tail call's r1 is the ctx (the kernel's verifier demands it): it names no map
  const tail = tm.helper >= 0 && row.some((x) => x !== undefined && isTailCall(x.insn));
  const hs = tm.helper < 0 ? 0 : tail ? helperStallCycles(ctx.core, undefined) : helperStall(ctx, s.r1map) + dataCycles(ctx, row, s);
  const same = s.same.slice();
  const any = s.any.slice();
  const lane = s.lane.slice();
  const w = tm.writes;
  const load = slowestLoad(ctx.core);
  for (let k = 0; k < w.length; k += 5) {
    const reg = w[k];
    const lat = w[k + 2];
    const ready = at + (lat >= 0 ? lat : load) + (w[k + 3] === Producer.HELPER ? hs : 0);
    same[reg] = ready;
    any[reg] = ready + w[k + 4];
    lane[reg] = w[k + 1];
  }
  const tailMoved = s.tailMoved || row.some((x) => x?.insn.kind === 'call' && x.insn.target === 'helper' && x.insn.id === HELPER_ADJUST_TAIL);
  return { stall: at, helperStall: hs, committed: { same, any, lane, r1map: r1After(row, s.r1map), r2: constAfter(row, 2, s.r2), r4: constAfter(row, 4, s.r4), r5: constAfter(row, 5, s.r5), tailMoved } };
}

/** The state at the next row's fetch, `delta` cycles after this row's fetch. */
export function shift(s: TimingState, delta: number): TimingState {
  const same = s.same.map((v) => Math.max(0, v - delta));
  const any = s.any.map((v) => Math.max(0, v - delta));
  return { same, any, lane: s.lane, r1map: s.r1map, r2: s.r2, r4: s.r4, r5: s.r5, tailMoved: s.tailMoved };
}

/** Cycles from the fetch of an exit's row to the verdict. */
export function exitCycles(ctx: StepContext, step: RowStep, early: boolean): number {
  return step.stall + 1 + exitDrain(ctx.core, early);
}

/** Cycles from a row's fetch to the next row's fetch. */
export function rowCycles(ctx: StepContext, step: RowStep, taken: boolean): number {
  return step.stall + 1 + step.helperStall + (taken ? ctx.core.latency.takenBranch : 0);
}
