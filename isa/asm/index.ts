// The bpf_conformance assembler and `.data` test file parser.
export * from './assemble.js';
export * from './data-file.js';
export * from './mnemonics.js';
export * from './operands.js';
