// The measured CPU baseline for simulate: the kernel JIT's ns per packet (BPF_PROG_TEST_RUN via the
// kernel engine's timer) on a sample of the same packets, or why it could not be measured.

import type { LoadedObject } from '../../compiler/loader/types.js';
import { kernelBaseline, kernelUnavailable } from '../kernel/index.js';
import type { MapFixture } from '../maps/fixture.js';

/** Packets timed (spread evenly over the trace) and runs per packet: enough for a stable mean, a few seconds at most. */
export const KERNEL_SAMPLE = 64;
export const KERNEL_REPEAT = 2000;

export async function kernelNsPerPacket(
  obj: LoadedObject, program: string, packets: readonly Uint8Array[], fixture?: MapFixture,
): Promise<{ ns: number } | { why: string }> {
  const why = await kernelUnavailable();
  if (why) return { why };
  const step = Math.max(1, Math.floor(packets.length / KERNEL_SAMPLE));
  const sample = packets.filter((_, i) => i % step === 0).slice(0, KERNEL_SAMPLE);
  if (sample.length === 0) return { why: 'no packets' };
  try {
    return { ns: (await kernelBaseline(obj, program, sample, fixture, KERNEL_REPEAT)).meanNs };
  } catch (e) {
    return { why: (e as Error).message.split('\n')[0] };
  }
}
