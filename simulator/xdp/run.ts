// One XDP run on the shared machine, as every engine that executes there (interpreter, rows, core)
// does it: which program of an object may run, the kernel test run's input checks, the packet and
// xdp_md loaded into the host, and the result read back. Engines keep only their execute loop
// (and, for the core, its timing); none of this is theirs to copy.

import type { LoadedObject } from '../../compiler/loader/types.js';
import { actionName, RunInputError } from '../engine.js';
import type { EngineSession, MapsSnapshot, RunInput, RunOptions, RunResult, SessionCounters } from '../engine.js';
import { takeTrace } from '../helpers/printk.js';
import type { Machine } from '../machine/index.js';
import { mapDefProblem } from '../maps/factory.js';
import { contextProblem, DEFAULT_IFINDEX } from './context.js';
import type { XdpHost } from './host.js';
import { packetProblem } from './packet.js';

export interface RunnableProgram {
  /** index into obj.programs */
  readonly index: number;
  /** an xdp/devmap program: it reads egress_ifindex */
  readonly devmap: boolean;
}

/** The program an engine may open: it exists, it is XDP, and every map of the object can be modelled. */
export function runnableProgram(obj: LoadedObject, program: string): RunnableProgram {
  const index = obj.programs.findIndex((p) => p.name === program);
  if (index < 0)
    throw new RunInputError(`${obj.file}: no program named ${program} (programs: ${obj.programs.map((p) => p.name).join(', ') || 'none'})`);
  const type = obj.programs[index].type;
  if (type?.kind === 'other') {
    const xdp = obj.programs.filter((p) => p.type?.kind !== 'other').map((p) => p.name);
    throw new RunInputError(`${obj.file}: program ${program} is a ${type.type} program (section ${obj.programs[index].section}), not XDP; only XDP programs run (XDP programs: ${xdp.join(', ') || 'none'})`);
  }
  for (const def of obj.maps) {
    const why = mapDefProblem(def);
    if (why) throw new RunInputError(`${obj.file}: map ${def.name}: ${why}`);
  }
  return { index, devmap: type?.kind === 'xdp' && type.attach === 'devmap' };
}

/** Refuses (and counts) what the kernel's test run refuses, then loads the packet and xdp_md into the host. */
export function loadRun(host: XdpHost, input: RunInput, devmap: boolean, counts: SessionCounters): void {
  const queue = input.ctx?.rxQueueIndex ?? 0;
  let problem = packetProblem(input.packet.length) ?? contextProblem(input.ctx?.ingressIfindex ?? 0, queue);
  if (!problem && input.ctx?.egressIfindex && !devmap)
    problem = `ctx egress_ifindex ${input.ctx.egressIfindex}: only devmap programs (section xdp/devmap) have one; the kernel's test run refuses it (EINVAL)`;
  if (problem) {
    counts.refused++;
    throw new RunInputError(problem);
  }
  host.beginRun();
  const xdp = host.xdp;
  xdp.packet.reset(input.packet);
  xdp.sync();
  xdp.ingressIfindex = input.ctx?.ingressIfindex || DEFAULT_IFINDEX;
  xdp.rxQueueIndex = queue;
  xdp.egressIfindex = devmap ? input.ctx?.egressIfindex || DEFAULT_IFINDEX : undefined;
}

/** What the run did, once the machine stopped: action, packet, maps (unless `snapshot: false`), trace, perf events, redirect. */
export function runResult(host: XdpHost, m: Machine, opts: RunOptions, counts: SessionCounters): RunResult {
  const trap = m.trap;
  const code = trap ? 0 : m.L[0] >>> 0;
  const result: RunResult = {
    action: actionName(code),
    code,
    packet: host.xdp.packet.output(),
    maps: opts.snapshot === false ? {} : host.maps.snapshot(),
    insnsExecuted: m.count,
  };
  if (trap) result.trap = trap;
  const trace = takeTrace(host);
  if (trace.length) result.trace = trace;
  if (code === 4 && host.redirect) result.redirect = host.redirect;
  if (host.perfEvents.length) result.perfEvents = host.perfEvents;
  counts.runs++;
  counts.insnsExecuted = (counts.insnsExecuted ?? 0) + m.count;
  return result;
}

/** A session on the shared machine: everything but the engine's own runSync (its loop). */
export abstract class MachineSession implements EngineSession {
  abstract readonly engine: string;
  abstract readonly host: XdpHost;
  protected readonly counts: SessionCounters = { runs: 0, refused: 0, insnsExecuted: 0 };

  /**
   * One packet, synchronously (run() wraps this). With `snapshot: false` the result's `maps` is
   * left empty (read them with readMaps() when needed): the fast path for traffic.
   */
  abstract runSync(input: RunInput, opts?: RunOptions): RunResult;

  async run(input: RunInput, opts?: RunOptions): Promise<RunResult> {
    return this.runSync(input, opts);
  }

  async readMaps(): Promise<MapsSnapshot> {
    return this.host.maps.snapshot();
  }

  async writeMaps(state: MapsSnapshot): Promise<void> {
    this.host.maps.write(state);
  }

  counters(): SessionCounters {
    return { ...this.counts };
  }

  async close(): Promise<void> {}
}
