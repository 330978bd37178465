// The machine state every engine shares: registers (hi/lo words), memory, the call stack of
// BPF-to-BPF calls, program switches (tail calls), traps and the instruction budget. Not here:
// what instructions do (semantics.ts), how an engine steps through them (each engine's own loop,
// reached through `exec`), and the environment (helpers, XDP: the Host).

import type { Trap, TrapKind } from '../engine.js';
import { AT_CTX, Memory, OFF_BASE, PTR_TAG, RegionKind, readLE, writeLE } from './memory.js';
import type { Region } from './memory.js';

/**
 * Instruction semantics return the next instruction index, or one of these (below zero): stop
 * (exit), trapped, or continue in another program (m.program) at m.nextPc.
 */
export const EXIT = -1;
export const TRAPPED = -2;
export const SWITCH = -3;
/** a handler result: a function called by a helper (bpf_loop's callback) returned to it */
export const HOST_RETURN = -4;

export const NUM_REGS = 11;
/** a scratch register slot after r10 (3-operand syllables) */
export const SCRATCH = 11;
/** constant slots (immediates) start here */
export const FIRST_CONST = 12;
export const STACK_SIZE = 512;
/** the kernel's MAX_CALL_FRAMES */
export const MAX_FRAMES = 8;
/** the kernel's MAX_TAIL_CALL_CNT */
export const MAX_TAIL_CALLS = 33;
export const DEFAULT_BUDGET = 1_000_000;

/** A program as the machine knows it: what traps, calls and tail calls need, nothing an engine runs. */
export interface MachineProgram {
  readonly name: string;
  /** index in the loaded object's programs (engines keep their executable form by this index) */
  readonly index: number;
  /** the number of instructions */
  readonly size: number;
  /** the slot of each instruction index (an engine may add entries past `size`), for trap locations */
  readonly slots: readonly number[];
}

/** A helper: reads r1-r5, writes r0; on a fault it calls m.fail and the run stops. */
export type HelperFn = (m: Machine, pc: number) => void;

/** What the environment (XDP or the conformance harness) gives the machine. */
export interface Host {
  helper(id: number): HelperFn | undefined;
  /** a helper for messages, with its id: "helper bpf_trace_printk (6)", "helper 1" */
  helperName(id: number): string;
  /** emulate a load of `size` bytes at offset `off` of the ctx into register dst */
  ctxLoad(m: Machine, off: number, size: number, dst: number): boolean;
  /** the current packet's length, data to data_end (the core's `if len < N` syllable reads it) */
  packetLength(): number;
  /** the pointer an lddw of a map (or of an offset in its value) loads, or why there is none */
  mapAddress(map: number, value: boolean, offset: number): [number, number] | string;
}

export class Machine {
  readonly L: Int32Array;
  readonly H: Int32Array;
  readonly mem = new Memory();
  readonly stacks: Region[] = [];
  program!: MachineProgram;
  /**
   * The engine's execute loop: runs the current program from instruction `pc` until it returns
   * EXIT, TRAPPED or HOST_RETURN. Set by the engine that owns this machine.
   */
  exec: (pc: number) => number = () => this.fail('invalid-insn', 'no engine is attached to this machine', 0);
  nextPc = 0;
  trap: Trap | undefined;
  /** instructions executed in the current run */
  count = 0;
  budget = DEFAULT_BUDGET;
  tailCalls = 0;
  /** tail calls a run may chain: the kernel's MAX_TAIL_CALL_CNT, or a core's offload.tailCallDepth */
  tailCallLimit = MAX_TAIL_CALLS;
  /** set by a helper (tail_call) that switched m.program */
  switched = false;
  depth = 0;
  /** the deepest frame used since the stacks were last cleared */
  private maxDepth = MAX_FRAMES - 1;
  private readonly saved = new Int32Array(MAX_FRAMES * 10);
  private readonly retPc: number[] = new Array(MAX_FRAMES).fill(0);
  private readonly retProg: MachineProgram[] = new Array(MAX_FRAMES);

  constructor(readonly host: Host, regSlots: number) {
    this.L = new Int32Array(regSlots);
    this.H = new Int32Array(regSlots);
    for (let d = 0; d < MAX_FRAMES; d++) this.stacks.push(this.mem.add(`stack (frame ${d})`, RegionKind.STACK, new Uint8Array(STACK_SIZE), true));
  }

  /** Prepares a run of `prog` from its first instruction: clears r0-r9, frames, counters and trap. */
  start(prog: MachineProgram, budget = DEFAULT_BUDGET): void {
    this.L.fill(0, 0, NUM_REGS);
    this.H.fill(0, 0, NUM_REGS);
    this.setPtr(10, this.stacks[0], STACK_SIZE);
    for (let d = 0; d <= this.maxDepth; d++) this.stacks[d].buf.fill(0);
    this.maxDepth = 0;
    this.program = prog;
    this.nextPc = 0;
    this.trap = undefined;
    this.count = 0;
    this.budget = budget;
    this.tailCalls = 0;
    this.depth = 0;
    this.switched = false;
  }

  /** Runs until exit, a trap or the end of the budget. */
  run(): void {
    this.exec(this.nextPc);
  }

  /** The trap for an exhausted budget at instruction `pc` (engines check count against budget). */
  outOfBudget(pc: number): number {
    return this.fail('budget', `instruction budget of ${this.budget} exhausted (an unbounded loop?)`, this.program.slots[pc]);
  }

  /**
   * Calls the function at instruction `target` (a BPF-to-BPF call made by a helper, e.g. bpf_loop's
   * callback) and runs it until it returns; false when it trapped.
   */
  callFunction(target: number, pc: number): boolean {
    if (this.call(HOST_RETURN, target, pc) < 0) return false;
    return this.exec(target) === HOST_RETURN;
  }

  /** Ends the run with a trap; returns TRAPPED for handlers to return. */
  fail(kind: TrapKind, message: string, pc: number): number {
    this.trap ??= { kind, pc, program: this.program.name, message };
    return TRAPPED;
  }

  /** Turns the memory's last fault into a trap. */
  faulted(pc: number): number {
    return this.fail(this.mem.faultKind, this.mem.faultMessage, pc);
  }

  setPtr(r: number, region: Region, offset: number): void {
    this.H[r] = PTR_TAG | region.id;
    this.L[r] = OFF_BASE + offset;
  }

  /** r = an integer JS number (two's complement for negatives, up to 2^53). */
  setNum(r: number, v: number): void {
    this.L[r] = v | 0;
    this.H[r] = Math.floor(v / 4294967296) | 0;
  }

  load(hi: number, lo: number, off: number, size: number, signed: boolean, d: number): boolean {
    const mem = this.mem;
    const i = mem.resolve(hi, lo, off, size, false);
    if (i < 0) return i === AT_CTX && this.host.ctxLoad(this, mem.ctxOffset, size, d);
    const b = mem.region.buf;
    if (size === 8) {
      this.L[d] = readLE(b, i, 4);
      this.H[d] = readLE(b, i + 4, 4);
      return true;
    }
    let v = readLE(b, i, size);
    if (signed && size < 4) v = size === 1 ? (v << 24) >> 24 : (v << 16) >> 16;
    this.L[d] = v;
    this.H[d] = signed ? v >> 31 : 0;
    return true;
  }

  store(hi: number, lo: number, off: number, size: number, vh: number, vl: number): boolean {
    const i = this.mem.resolve(hi, lo, off, size, true);
    if (i < 0) return false;
    const b = this.mem.region.buf;
    if (size === 8) {
      writeLE(b, i, 4, vl);
      writeLE(b, i + 4, 4, vh);
    } else writeLE(b, i, size, vl);
    return true;
  }

  /** 6-byte accesses of the core's extension syllables. */
  load6(hi: number, lo: number, off: number, d: number): boolean {
    const i = this.mem.resolve(hi, lo, off, 6, false);
    if (i < 0) return false;
    const b = this.mem.region.buf;
    this.L[d] = readLE(b, i, 4);
    this.H[d] = readLE(b, i + 4, 2);
    return true;
  }

  store6(hi: number, lo: number, off: number, vh: number, vl: number): boolean {
    const i = this.mem.resolve(hi, lo, off, 6, true);
    if (i < 0) return false;
    const b = this.mem.region.buf;
    writeLE(b, i, 4, vl);
    writeLE(b, i + 4, 2, vh);
    return true;
  }

  /** A BPF-to-BPF call: saves r6-r10 and the return point, gives the callee a new stack frame. */
  call(ret: number, target: number, pc: number): number {
    if (this.depth + 1 >= MAX_FRAMES) return this.fail('stack-overflow', `call depth exceeds the kernel's ${MAX_FRAMES} frames`, pc);
    const o = this.depth * 10, S = this.saved, L = this.L, H = this.H;
    for (let r = 6; r <= 10; r++) {
      S[o + 2 * (r - 6)] = L[r];
      S[o + 2 * (r - 6) + 1] = H[r];
    }
    this.retPc[this.depth] = ret;
    this.retProg[this.depth] = this.program;
    this.depth++;
    if (this.depth > this.maxDepth) this.maxDepth = this.depth;
    this.setPtr(10, this.stacks[this.depth], STACK_SIZE);
    return target;
  }

  /** exit: returns to the caller (restoring r6-r10), or ends the run at depth 0. */
  ret(): number {
    if (this.depth === 0) return EXIT;
    this.depth--;
    const o = this.depth * 10, S = this.saved, L = this.L, H = this.H;
    for (let r = 6; r <= 10; r++) {
      L[r] = S[o + 2 * (r - 6)];
      H[r] = S[o + 2 * (r - 6) + 1];
    }
    const p = this.retProg[this.depth];
    if (this.retPc[this.depth] === HOST_RETURN) {
      this.program = p;
      return HOST_RETURN;
    }
    if (p === this.program) return this.retPc[this.depth];
    this.program = p;
    this.nextPc = this.retPc[this.depth];
    return SWITCH;
  }

  /** Continues in another program from its start, in the current frame (a tail call). */
  switchTo(prog: MachineProgram): void {
    this.program = prog;
    this.nextPc = 0;
    this.switched = true;
  }
}
