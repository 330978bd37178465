// compiler/verify: the Z3 equivalence prover (docs/VERIFY.md). The pipeline needs only
// proveEquivalent; the rest is exported for tests of the encoding.

export { proveEquivalent } from './prove.js';
export type { CompiledInput, Proof, ProofRegion, ProofStatus, ProveOptions, ProgramInput } from './prove.js';
export { executeRows } from './rows.js';
export type { Answer, Counterexample } from './counterexample.js';
export { VerifyError } from './errors.js';
export { execute } from './exec.js';
export type { Exit } from './cx.js';
export { z3 } from './z3.js';
