// The reference interpreter as an Engine: open() compiles every program of the object (tail-call
// targets included) and fills the maps from the fixture; each run loads the packet as the
// kernel's BPF_PROG_TEST_RUN does and returns action, packet, maps, instruction count and trap.

import type { LoadedObject } from '../../compiler/loader/types.js';
import type { Engine, RunInput, RunOptions, RunResult } from '../engine.js';
import { FixtureError } from '../maps/fixture.js';
import type { MapFixture } from '../maps/fixture.js';
import { DEFAULT_BUDGET, Machine } from '../machine/index.js';
import { XdpHost } from '../xdp/host.js';
import { loadRun, MachineSession, runnableProgram, runResult } from '../xdp/run.js';
import type { XdpHostOptions } from '../xdp/host.js';
import { ConstPool, compileProgram } from './compile.js';
import type { CompiledProgram } from './compile.js';
import { instrumentCoverage } from './coverage.js';
import { attachLoop } from './loop.js';

export interface InterpreterOptions extends XdpHostOptions {
  /** instructions one run may execute before it traps ('budget'); default 1,000,000 */
  budget?: number;
  /** count executions of every instruction (InterpreterSession.hits); slower */
  coverage?: boolean;
}

export { RunInputError } from '../engine.js';

export class InterpreterSession extends MachineSession {
  readonly engine = 'interpreter';
  readonly host: XdpHost;
  readonly machine: Machine;
  readonly entry: CompiledProgram;
  private readonly budget: number;
  /** an xdp/devmap program: it reads egress_ifindex */
  private readonly devmap: boolean;
  /** with `coverage`: per program name, executions of each instruction (index into code.insns) */
  readonly hits = new Map<string, Uint32Array>();

  constructor(obj: LoadedObject, program: string, fixture: MapFixture | undefined, opts: InterpreterOptions = {}) {
    super();
    const { index, devmap } = runnableProgram(obj, program);
    this.devmap = devmap;
    try {
      this.host = new XdpHost(obj, fixture, opts);
    } catch (e) {
      // map and fib errors name the entry; the user also needs the fixture's file
      const src = fixture?.source;
      throw e instanceof FixtureError && src !== undefined && !e.where.startsWith(src) ? new FixtureError(`${src}: ${e.where}`, e.why) : e;
    }
    const pool = new ConstPool().add(obj.programs);
    this.machine = new Machine(this.host, pool.size);
    pool.install(this.machine);
    this.host.attach(this.machine);
    const compiled = obj.programs.map((p, i) => compileProgram(p, i, this.machine, pool));
    this.host.programs.push(...compiled);
    attachLoop(this.machine, compiled);
    this.entry = compiled[index];
    if (opts.coverage) compiled.forEach((p, i) => this.hits.set(p.name, instrumentCoverage(p, obj.programs[i].code.insns.length)));
    this.budget = opts.budget ?? DEFAULT_BUDGET;
  }

  /**
   * One packet, synchronously (the Engine's run() wraps this). With `snapshot: false` the result's
   * `maps` is left empty (read them with readMaps() when needed): the fast path for traffic.
   */
  runSync(input: RunInput, opts: RunOptions = {}): RunResult {
    const { host, machine: m } = this;
    loadRun(host, input, this.devmap, this.counts);
    m.start(this.entry, this.budget);
    m.setPtr(1, host.xdp.ctxRegion, 0);
    m.run();
    return runResult(host, m, opts, this.counts);
  }
}

export class InterpreterEngine implements Engine {
  readonly name = 'interpreter';

  constructor(readonly options: InterpreterOptions = {}) {}

  async unavailable(): Promise<string | undefined> {
    return undefined;
  }

  async open(obj: LoadedObject, program: string, fixture?: MapFixture): Promise<InterpreterSession> {
    return new InterpreterSession(obj, program, fixture, this.options);
  }
}
