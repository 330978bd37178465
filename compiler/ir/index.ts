// The compiler's IR: labels instead of offsets. lift (Program → IR), lower (IR → Program and
// bytecode, the only place offsets are computed), the block split the CFG shares, and edits.
export * from './types.js';
export { blockSpans, endsBlock, targetIndex } from './blocks.js';
export type { BlockSpan } from './blocks.js';
export { lift } from './lift.js';
export { lower, withPrograms } from './lower.js';
export type { Lowered } from './lower.js';
export * from './edit.js';
export { successors } from './flow.js';
