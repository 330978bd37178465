// The cycle-accurate core as an Engine (`--engine core`): the scheduled rows (the caller's
// scheduler) compiled once on the shared machine (simulator/vliw) and timed by pipeline.ts on one
// CoreConfig; registers and stack cleared at each packet start only when the core says so.
// Each run's cycles are `session.pipeline.cycles` (and `durationNs` at the core's clock).

import type { LoadedObject } from '../../compiler/loader/types.js';
import { offloadOf } from '../../isa/index.js';
import type { CoreConfig, RowProgram } from '../../isa/index.js';
import type { Engine, RunInput, RunOptions, RunResult } from '../engine.js';
import { DEFAULT_BUDGET, RegionKind } from '../machine/index.js';
import type { Machine, MachineProgram } from '../machine/index.js';
import type { MapFixture } from '../maps/fixture.js';
import type { XdpHost } from '../xdp/host.js';
import { loadRun, MachineSession, runResult } from '../xdp/run.js';
import { openRows } from '../vliw/open.js';
import { CorePipeline } from './pipeline.js';
import { compileTiming, EXTERNAL_REGION } from './timing.js';

/** Turns a program of the object into rows for this core (the CLI's compile step); throws to refuse it. */
export type CoreScheduler = (obj: LoadedObject, program: string) => RowProgram;

export interface CoreOptions {
  readonly schedule: CoreScheduler;
  readonly core: CoreConfig;
  /** syllables one run may execute before it traps ('budget'); default 1,000,000 */
  readonly budget?: number;
}

/** Registers r0-r9 (r10 is always the frame pointer; r1 is set to the ctx). */
const KEPT_REGS = 10;

export class CoreSession extends MachineSession {
  readonly engine = 'core';
  readonly host: XdpHost;
  readonly machine: Machine;
  readonly rows: RowProgram;
  readonly pipeline: CorePipeline;
  readonly core: CoreConfig;
  private readonly entry: MachineProgram;
  private readonly budget: number;
  /** an xdp/devmap program: it reads egress_ifindex */
  private readonly devmap: boolean;
  /** what the core keeps across packets when it does not clear it */
  private readonly keptStack: Uint8Array;
  private readonly keptL = new Int32Array(KEPT_REGS);
  private readonly keptH = new Int32Array(KEPT_REGS);

  constructor(obj: LoadedObject, program: string, fixture: MapFixture | undefined, opts: CoreOptions) {
    super();
    const o = openRows(obj, program, fixture, opts.schedule);
    this.core = opts.core;
    ({ rows: this.rows, host: this.host, machine: this.machine, entry: this.entry, devmap: this.devmap } = o);
    const compiled = o.compiled;
    const m = this.machine;
    // the core chains as many tail calls as its hardware counts (the kernel's 33 on xdp2hw)
    m.tailCallLimit = offloadOf(opts.core).tailCallDepth;
    const host = this.host;
    const mem = m.mem;
    const timing = compileTiming(this.rows, opts.core, obj);
    const ext = timing.external;
    // a map value in external memory is a region kind of its own (its loads make their row wait)
    const kindOf = timing.externalWait > 0
      ? (hi: number) => {
        const r = mem.regionOf(hi);
        return r === undefined ? 7 : r.kind === RegionKind.MAP_VALUE && ext[r.ref] ? EXTERNAL_REGION : r.kind;
      }
      : (hi: number) => mem.regionOf(hi)?.kind ?? 7;
    this.pipeline = new CorePipeline(timing, compiled, (hi) => host.mapOf(hi), kindOf,
      (i) => host.maps.maps[i], () => host.xdp.packet.staleTail, () => host.xdp.packet.length);
    m.exec = (r) => this.pipeline.run(m, r);
    this.budget = opts.budget ?? DEFAULT_BUDGET;
    this.keptStack = new Uint8Array(m.stacks[0].buf.length);
  }

  /** One packet, synchronously; `pipeline.cycles` holds its core cycles afterwards. */
  runSync(input: RunInput, opts: RunOptions = {}): RunResult {
    const { host, machine: m } = this;
    loadRun(host, input, this.devmap, this.counts);
    m.start(this.entry, this.budget);
    this.restoreKept();
    m.nextPc = this.rows.entry;
    m.setPtr(1, host.xdp.ctxRegion, 0);
    m.run();
    this.keep();
    const result = runResult(host, m, opts, this.counts);
    result.durationNs = (this.pipeline.cycles * 1000) / this.core.clockMHz;
    return result;
  }

  /** A core that does not clear them starts each packet with the last packet's registers and stack. */
  private restoreKept(): void {
    const m = this.machine;
    if (!this.core.clearsRegisters) {
      m.L.set(this.keptL, 0);
      m.H.set(this.keptH, 0);
    }
    if (!this.core.clearsStack) m.stacks[0].buf.set(this.keptStack);
  }

  private keep(): void {
    const m = this.machine;
    if (!this.core.clearsRegisters) {
      this.keptL.set(m.L.subarray(0, KEPT_REGS));
      this.keptH.set(m.H.subarray(0, KEPT_REGS));
    }
    if (!this.core.clearsStack) this.keptStack.set(m.stacks[0].buf);
  }
}

export class CoreEngine implements Engine {
  readonly name = 'core';

  constructor(readonly options: CoreOptions) {}

  async unavailable(): Promise<string | undefined> {
    return undefined;
  }

  async open(obj: LoadedObject, program: string, fixture?: MapFixture): Promise<CoreSession> {
    return new CoreSession(obj, program, fixture, this.options);
  }
}
