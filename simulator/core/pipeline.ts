// The cycle-accurate core's loop: each cycle issues one row (fetch, operand read, execute/memory,
// commit) whose syllables run through the shared compiled rows (simulator/vliw, machine/semantics),
// while the timing tables (timing.ts) decide the cycle: operand interlock with the forwarding rule,
// helper and map-lookup stalls, the taken-branch flush, the exit drain (shorter for an exit caught
// at fetch). Nothing is allocated per packet or per row. The packet path is simulate's.

import { EXIT } from '../machine/index.js';
import type { Machine } from '../machine/index.js';
import { FALL } from '../vliw/compile.js';
import type { CompiledRow } from '../vliw/compile.js';
import { CHUNK_SHIFT, specializeRows, STATE_SIZE, T } from './specialize.js';
import type { RowFn } from './specialize.js';
import { callCycles, EXTERNAL_REGION, lateCycles, Stall, STALL_KINDS, Producer } from './timing.js';
import type { CoreTiming, RowTiming } from './timing.js';
import type { BpfMap } from '../maps/types.js';

/** Sees every issued row (only when tracing: --trace, --vcd). */
export interface TraceSink {
  /** a packet starts on the core at `cycle` of the whole run (cycles below are relative to it) */
  packet(index: number, cycle: number): void;
  /**
   * row `row` issued at `cycle` after `stall` cycles of `why` (-1: none), its operands in
   * `forwarded` (bit per register) taken from the row before by forwarding; `next`: the row after, -1 at exit
   */
  row(cycle: number, row: number, stall: number, why: number, laneMask: number, forwarded: number, taken: boolean, helperStall: number, next: number): void;
  /** the packet's verdict is out at `cycle` (exit drained); `early`: caught at fetch */
  exit(cycle: number, code: number, early: boolean): void;
}


export class CorePipeline {
  /** cycle from which a register is readable by its producer's lane / by any lane */
  private readonly sameReady = new Int32Array(16);
  private readonly anyReady = new Int32Array(16);
  private readonly lane = new Int32Array(16);
  private readonly kind = new Int32Array(16);
  private readonly loadLat = new Int32Array(64);
  /** totals since the session opened, by STALL_KINDS */
  readonly stalls = new Float64Array(STALL_KINDS.length);
  /** times each row issued, since the session opened */
  private readonly issued: Float64Array;
  /** the last packet's core cycles (first fetch to verdict) */
  cycles = 0;
  /** the last packet's helper calls */
  calls = 0;
  trace: TraceSink | undefined;

  constructor(
    private readonly t: CoreTiming,
    private readonly rows: readonly CompiledRow[],
    /** the map index a map-handle pointer's high word names (the host's), or undefined */
    private readonly mapOf: (hi: number) => number | undefined,
    private readonly regionKind: (hi: number) => number,
    /** the map model of a map index (hash walks read its keys) */
    private readonly mapAt: (i: number) => BpfMap | undefined = () => undefined,
    /** the packet's stale tail bytes (isa's helperDataCycles), the host's */
    private readonly staleTail: () => number = () => 0,
    /** the packet's length now (bpf_perf_event_output's sample check), the host's */
    private readonly packetLength: () => number = () => 0,
  ) {
    this.issued = new Float64Array(t.rows.length);
  }

  /** the rows specialised (specialize.ts), made at the first untraced run */
  private fns: RowFn[] | undefined;
  private readonly state = new Int32Array(STATE_SIZE);

  /** Runs from row `start` until exit or trap; returns EXIT or the trap code; sets `cycles`. */
  run(m: Machine, start: number): number {
    if (this.trace) return this.runTraced(m, start);
    const fns = (this.fns ??= specializeRows({
      m, timing: this.t, S: this.state, stalls: this.stalls, issued: this.issued, sink: this, mapOf: this.mapOf, regionKind: this.regionKind,
      callCycles: (mi, id) => callCycles(this.t, m, mi, id, this.mapAt),
      lateCycles: () => lateCycles(this.t),
      helperData: (id, r2, r4, r3hi = 0, r5 = 0) => this.t.helperData(id, r2, r4, this.staleTail(), { r3hi, r5, packetLength: this.packetLength() }),
    }, this.rows));
    const S = this.state;
    S.fill(0);
    this.calls = 0;
    let r = start;
    const n = this.rows.length;
    for (;;) {
      if (r >= n) return this.end(S[T], m.fail('invalid-insn', `execution ran past the last row (${this.rows.length})`, this.rows[this.rows.length - 1]?.pc ?? 0));
      if (m.count >= m.budget) return this.end(S[T], m.fail('budget', `syllable budget of ${m.budget} exhausted (an unbounded loop?)`, this.rows[r].pc));
      r = fns[r >> CHUNK_SHIFT](r);
      if (r < 0) return r;
    }
  }

  /** The generic loop, row by row through the timing tables, telling the trace sink everything. */
  private runTraced(m: Machine, start: number): number {
    this.sameReady.fill(0);
    this.anyReady.fill(0);
    let t = 0;
    let r = start;
    this.calls = 0;
    const timing = this.t.rows;
    for (;;) {
      const row = this.rows[r];
      const tm = timing[r];
      if (row === undefined) return this.end(t, m.fail('invalid-insn', `execution ran past the last row (${this.rows.length})`, this.rows[this.rows.length - 1]?.pc ?? 0));
      if (m.count >= m.budget) return this.end(t, m.fail('budget', `syllable budget of ${m.budget} exhausted (an unbounded loop?)`, row.pc));
      let stall = this.interlock(tm, t);
      let why = stall > 0 ? this.stallWhy : -1;
      t += stall;
      if (tm.loads && this.resolveLoads(m, tm)) {
        // a load from external memory: the row waits for its data before it issues
        const wait = this.t.externalWait;
        this.stalls[Stall.MEMORY] += wait;
        t += wait;
        stall += wait;
        if (why < 0) why = Stall.MEMORY;
      }
      let helperStall = tm.helper < 0 ? 0 : this.helperStall(m, r);
      const step = this.execute(m, row);
      if (tm.helper >= 0) helperStall += lateCycles(this.t);
      if (step !== FALL && step !== EXIT && step < 0) return this.end(t, step);
      const fwd = this.trace ? this.forwarded(tm, t) : 0;
      this.commit(tm, r, t, helperStall);
      const next = step === FALL ? r + 1 : step === EXIT ? -1 : step;
      if (this.trace) this.trace.row(t, r, stall, why, tm.laneMask, fwd, step !== FALL && step !== EXIT, helperStall, next);
      if (step === EXIT) {
        const early = tm.early[this.winner] === 1;
        this.cycles = t + 1 + (early ? this.t.earlyExit : this.t.exit);
        this.trace?.exit(this.cycles, m.L[0] >>> 0, early);
        return EXIT;
      }
      this.stalls[Stall.HELPER] += helperStall;
      t += 1 + helperStall;
      if (step !== FALL) {
        t += this.t.takenBranch;
        this.stalls[Stall.BRANCH] += this.t.takenBranch;
      }
      r = next;
    }
  }

  /** Registers row r reads at t that became readable exactly then (forwarded, not from the register file); call before commit. */
  private forwarded(tm: RowTiming, t: number): number {
    const rd = tm.reads;
    let mask = 0;
    if (t > 0) for (let k = 0; k < rd.length; k += 2) if (this.sameReady[rd[k]] === t || this.anyReady[rd[k]] === t) mask |= 1 << rd[k];
    return mask;
  }

  private end(t: number, code: number): number {
    this.cycles = t + 1;
    return code;
  }

  private stallWhy = 0;

  /** Cycles row r waits for its operands when fetched at t (and the producer kind of the last wait). */
  private interlock(tm: RowTiming, t: number): number {
    const rd = tm.reads;
    if (rd.length === 0) return 0;
    let at = t;
    for (let k = 0; k < rd.length; k += 2) {
      const reg = rd[k];
      const need = this.lane[reg] !== rd[k + 1] ? this.anyReady[reg] : this.sameReady[reg];
      if (need > at) {
        at = need;
        this.stallWhy = this.kind[reg];
      }
    }
    if (at > t) this.stalls[this.stallWhy] += at - t;
    return at - t;
  }

  /**
   * A load's latency depends on the region its address register points into (read before the row
   * writes); true when one of the row's loads reads external memory.
   */
  private resolveLoads(m: Machine, tm: RowTiming): boolean {
    const w = tm.writes;
    let external = false;
    for (let k = 0, i = 0; k < w.length; k += 5, i++) {
      const lat = w[k + 2];
      if (lat >= 0) continue;
      const kind = this.regionKind(m.H[-1 - lat]);
      this.loadLat[i] = this.t.loadLatency[kind];
      if (kind === EXTERNAL_REGION) external = true;
    }
    return external;
  }

  private helperStall(m: Machine, r: number): number {
    this.calls++;
    const id = this.t.helperIds[r];
    return callCycles(this.t, m, this.mapOf(m.H[1]), id, this.mapAt)
      + this.t.helperData(id, m.L[2], m.L[4], this.staleTail(), { r3hi: m.H[3], r5: m.L[5], packetLength: this.packetLength() });
  }

  private winner = 0;

  /** The row's syllables, as the row executor runs them: FALL, a row, EXIT or a trap (< EXIT). */
  private execute(m: Machine, row: CompiledRow): number {
    const { L, H } = m;
    const c = row.copies;
    for (let k = 0; k < c.length; k += 2) {
      L[c[k + 1]] = L[c[k]];
      H[c[k + 1]] = H[c[k]];
    }
    let next = FALL;
    const hs = row.handlers;
    for (let k = 0; k < hs.length; k++) {
      m.count++;
      const out = hs[k]();
      if (out === FALL) continue;
      if (out === EXIT || out >= 0) {
        if (next === FALL) {
          next = out; // the lowest lane that takes wins
          this.winner = k;
        }
        continue;
      }
      return out;
    }
    return next;
  }

  /** Results of row r fetched at t become readable; counts the row. */
  /** Rows each lane executed a syllable in, since the session opened. */
  laneBusy(): number[] {
    const busy = new Array<number>(this.t.lanes).fill(0);
    this.t.rows.forEach((tm, r) => tm.lanes.forEach((l) => (busy[l] += this.issued[r])));
    return busy;
  }

  private commit(tm: RowTiming, r: number, t: number, helperStall: number): void {
    const w = tm.writes;
    for (let k = 0, i = 0; k < w.length; k += 5, i++) {
      const reg = w[k];
      const kind = w[k + 3];
      const lat = w[k + 2];
      const ready = t + (lat >= 0 ? lat : this.loadLat[i]) + (kind === Producer.HELPER ? helperStall : 0);
      this.sameReady[reg] = ready;
      this.anyReady[reg] = ready + w[k + 4];
      this.lane[reg] = w[k + 1];
      this.kind[reg] = kind;
    }
    this.issued[r]++;
  }
}
