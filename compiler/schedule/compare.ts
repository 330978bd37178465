// Rows per program × lanes × strategy, the data of `xdp2hw compare`: schedules every program of
// the given objects with every combination, with the time each took and hXDP's published rows
// beside them. Printing is the CLI's.

import type { CoreConfig } from '../../isa/index.js';
import type { LoadedObject } from '../loader/types.js';
import { scheduleObject, ScheduleError } from './index.js';
import type { ScheduleOptions, ScheduleResult, Strategy } from './index.js';

/** How a program is scheduled (the CLI may run the pipeline's passes first). */
export type ScheduleFn = (obj: LoadedObject, program: string, opts: ScheduleOptions) => ScheduleResult;

/** hXDP's 4-lane rows and eBPF instruction counts (OSDI 2020, Table 3). */
export const HXDP_ROWS: Readonly<Record<string, { readonly rows: number; readonly insns: number }>> = {
  xdp1: { rows: 36, insns: 61 }, xdp2: { rows: 43, insns: 78 }, adjust_tail: { rows: 43, insns: 117 },
  router_ipv4: { rows: 50, insns: 119 }, rxq_info: { rows: 46, insns: 81 }, tx_ip_tunnel: { rows: 100, insns: 283 },
  simple_firewall: { rows: 27, insns: 72 }, l4lb: { rows: 102, insns: 268 },
};

export interface CompareCell {
  readonly file: string;
  readonly program: string;
  readonly lanes: number;
  readonly strategy: Strategy;
  readonly insns: number;
  /** undefined when the program was refused */
  readonly rows?: number;
  readonly ipc?: number;
  /** time the schedule took */
  readonly seconds?: number;
  /** optimal: blocks proven minimal / all blocks */
  readonly exactBlocks?: number;
  readonly blocks?: number;
  readonly blockRows?: readonly number[];
  readonly blockExact?: readonly boolean[];
  readonly refused?: string;
}

export interface CompareInput {
  readonly obj: LoadedObject;
  /** the name shown (the file's base name) */
  readonly name: string;
}

/** Every program × lanes × strategy; `onCell` after each (a progress bar). */
export function compareSchedules(
  inputs: readonly CompareInput[], lanes: readonly number[], strategies: readonly Strategy[], core: CoreConfig,
  opts: Pick<ScheduleOptions, 'timeLimitMs'> = {}, onCell?: (done: number, total: number) => void, schedule: ScheduleFn = scheduleObject,
): CompareCell[] {
  const out: CompareCell[] = [];
  const total = inputs.reduce((s, i) => s + i.obj.programs.length, 0) * lanes.length * strategies.length;
  for (const { obj, name } of inputs)
    for (const p of obj.programs)
      for (const l of lanes)
        for (const strategy of strategies) {
          const base = { file: name, program: p.name, lanes: l, strategy, insns: p.code.insns.length };
          const t0 = performance.now();
          try {
            const r = schedule(obj, p.name, { core, lanes: l, strategy, timeLimitMs: opts.timeLimitMs });
            const s = r.stats;
            out.push({ ...base, rows: s.rows, ipc: s.ipc, seconds: (performance.now() - t0) / 1000, blocks: s.blocks, blockRows: s.blockRows, ...(s.exactBlocks === undefined ? {} : { exactBlocks: s.exactBlocks, blockExact: s.blockExact }) });
          } catch (e) {
            if (!(e instanceof ScheduleError)) throw e;
            out.push({ ...base, refused: e.message });
          }
          onCell?.(out.length, total);
        }
  return out;
}

/**
 * Over the blocks `optimal` proved minimal: Σ rows of the best heuristic per block (the fewest
 * of the given cells' strategies) against Σ optimal rows, for one program and lane count.
 */
export function gapToOptimal(cells: readonly CompareCell[]): { heuristic: number; optimal: number; blocks: number } | undefined {
  const opt = cells.find((c) => c.strategy === 'optimal' && c.blockExact);
  if (!opt?.blockRows || !opt.blockExact) return undefined;
  const others = cells.filter((c) => c.strategy !== 'optimal' && c.strategy !== 'sequential' && c.blockRows?.length === opt.blockRows!.length);
  if (others.length === 0) return undefined;
  let heuristic = 0, optimal = 0, blocks = 0;
  opt.blockRows.forEach((rows, b) => {
    if (!opt.blockExact![b]) return;
    heuristic += Math.min(...others.map((c) => c.blockRows![b]));
    optimal += rows;
    blocks++;
  });
  return { heuristic, optimal, blocks };
}
