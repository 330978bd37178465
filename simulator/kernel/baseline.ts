// The CPU baseline: ns per packet of the JIT-compiled program in BPF_PROG_TEST_RUN (kernel timer,
// `repeat` runs per packet), for the benchmarks that compare the soft core with one CPU core.

import type { LoadedObject } from '../../compiler/loader/types.js';
import type { RunInput } from '../engine.js';
import type { MapFixture } from '../maps/fixture.js';
import { KernelEngine } from './engine.js';

export interface BaselineResult {
  /** average ns per run for each packet, in the order given */
  readonly perPacketNs: readonly number[];
  /** the mean of perPacketNs */
  readonly meanNs: number;
  readonly repeat: number;
}

/** The least a KernelEngine needs of a LoadedObject when no loader output is at hand. */
export function bareObject(file: string): LoadedObject {
  return { file, format: 'elf', programs: [], maps: [] };
}

/**
 * Times each packet with `repeat` runs in one session: maps keep what earlier packets wrote (as on
 * a real CPU), the fixture is applied once at the start.
 */
export async function kernelBaseline(
  file: string | LoadedObject,
  program: string,
  packets: readonly (Uint8Array | RunInput)[],
  fixture?: MapFixture,
  repeat = 10_000,
): Promise<BaselineResult> {
  const obj = typeof file === 'string' ? bareObject(file) : file;
  const session = await new KernelEngine().open(obj, program, fixture);
  try {
    const perPacketNs: number[] = [];
    for (const p of packets) perPacketNs.push(await session.time(p instanceof Uint8Array ? { packet: p } : p, repeat));
    const meanNs = perPacketNs.length === 0 ? 0 : perPacketNs.reduce((a, b) => a + b, 0) / perPacketNs.length;
    return { perPacketNs, meanNs, repeat };
  } finally {
    await session.close();
  }
}
