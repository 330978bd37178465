// The `superblock` strategy's traffic profile: executions of each instruction of a program when
// the reference interpreter (with coverage) runs the given inputs (the program's own traffic).
// Shared by tests/schedule and bench/schedule.ts.

import type { LoadedObject } from '../../compiler/loader/types.js';
import { InterpreterEngine } from '../../simulator/interpreter/engine.js';
import { RunInputError } from '../../simulator/engine.js';
import type { MapFixture } from '../../simulator/maps/fixture.js';
import type { DiffInput } from '../differential/frame.js';

export async function trafficProfile(obj: LoadedObject, program: string, fixture: MapFixture | undefined, inputs: readonly DiffInput[]): Promise<number[]> {
  const session = await new InterpreterEngine({ coverage: true }).open(obj, program, fixture);
  try {
    for (const input of inputs) {
      try {
        session.runSync({ packet: input.packet, ...(input.ctx ? { ctx: input.ctx } : {}) }, { snapshot: false });
      } catch (e) {
        // inputs the kernel's test run would refuse (runt frames, bad ctx) are no traffic the program sees
        if (!(e instanceof RunInputError)) throw e;
      }
    }
    return [...(session.hits.get(program) ?? [])];
  } finally {
    await session.close?.();
  }
}
