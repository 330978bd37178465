// The eBPF instruction set (RFC 9669) and the xdp2hw core's extended syllables: one opcode table,
// decode, encode, validate, assemble, disassemble. A leaf: imports nothing outside isa/.
export * from './opcodes.js';
export * from './insn.js';
export * from './raw.js';
export * from './errors.js';
export * from './decode.js';
export * from './encode.js';
export * from './validate.js';
export * from './syllables.js';
export * from './disasm.js';
export * from './helpers.js';
export * from './defuse.js';
export * from './core.js';
export * from './asm/index.js';
export * from './rows.js';
export * from './timing.js';
export * from './hashmap.js';
export * from './extmem.js';
