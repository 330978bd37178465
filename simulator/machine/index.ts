// The machine's public surface, what helpers/, xdp/, maps/ and every engine import: state
// (registers, memory, frames, traps), tagged pointers and the instruction semantics.

export {
  DEFAULT_BUDGET, EXIT, FIRST_CONST, HOST_RETURN, MAX_FRAMES, MAX_TAIL_CALLS, Machine, NUM_REGS, SCRATCH, STACK_SIZE, SWITCH, TRAPPED,
} from './state.js';
export type { HelperFn, Host, MachineProgram } from './state.js';
export { FUNC_TAG, Memory, RegionKind, funcPointer } from './memory.js';
export type { FaultKind, Region, RegionKindId } from './memory.js';
export type { Handler } from './alu.js';
export { lddwValue, semantics } from './semantics.js';
export type { LddwValue, Operands } from './semantics.js';
export { toBig } from './int64.js';
