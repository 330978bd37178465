// Instruction coverage for the interpreter: wraps each compiled handler with a hit counter. Only
// sessions opened with `coverage: true` pay for it; the execute loop itself is untouched.

import type { CompiledProgram } from './compile.js';

/** Replaces the program's handlers with counting ones; returns the counters (one per instruction). */
export function instrumentCoverage(program: CompiledProgram, insnCount: number): Uint32Array {
  const hits = new Uint32Array(insnCount);
  const code = program.code;
  for (let i = 0; i < insnCount; i++) {
    const inner = code[i];
    code[i] = () => {
      hits[i]++;
      return inner();
    };
  }
  return hits;
}
