// Fuzz harness: bpf_conformance `.data` files. The 313 files of tests/conformance mutated by
// lines, by assembler-aware token swaps (registers, immediates, offsets, labels, mnemonics) and by
// bytes; each is parsed, assembled, decoded, validated, disassembled and run on the interpreter.

import fc from 'fast-check';
import { dataFileProgram, decodeProgram, disassemble, encodeProgram, parseDataFile, validateProgram } from '../../isa/index.js';
import { runConformance } from '../../simulator/interpreter/conformance.js';
import type { FuzzInput, Harness } from './harness.js';
import { applyBytes, applyLines, byteMutations, describeByte, describeLine, lineMutations, pick } from './mutate.js';
import type { LineMutation } from './mutate.js';
import { judge } from './oracle.js';
import { dataFileSeeds } from './seeds.js';

/** Instructions run per input at most: enough for every conformance program, bounded for loops. */
export const DATA_FILE_BUDGET = 100_000;

const ASM_TOKENS = [
  '%r0', '%r10', '%r11', '%r99', '%r-1', '%r', '0', '-1', '0x7fffffff', '0x80000000', '0xffffffff', '4294967296', '-2147483649',
  '0xffffffffffffffff', '18446744073709551616', '+0', '+1', '-1', '+32767', '-32768', '+32768', '+2147483648', 'exit', 'exit:',
  '[%r1+0]', '[%r10-512]', '[%r1+32768]', '[%r1-32769]', '[%r11]', '[%r1', 'lddw', 'ja', 'call', 'local', 'call local x', 'lock',
  'fetch', 'xchg', 'cmpxchg32', 'be16', 'le64', 'bswap32', 'neg', 'mov32', 'movsx816', 'jsgt', 'jlt32', 'ldxdw', 'stxw', 'stb',
  '-- asm', '-- raw', '-- mem', '-- result', '-- error', '-- c', '--', 'ff', '0x', '00112233445566778899aabbccddeeff', '#', ',', ':',
];

const asmToken: fc.Arbitrary<LineMutation> = fc
  .tuple(fc.nat(), fc.nat(), fc.nat({ max: ASM_TOKENS.length - 1 }))
  .map(([line, tok, k]) => ['token', line, tok, ASM_TOKENS[k]] as const);

/** What the conformance plugin does with a file: parse, assemble, decode, validate, list, run. */
function exercise(text: string): void {
  const d = parseDataFile(text);
  const program = dataFileProgram(d);
  const decoded = decodeProgram(program);
  encodeProgram(decoded.insns);
  disassemble(decoded);
  try {
    validateProgram(decoded);
  } finally {
    runConformance(program, d.mem, DATA_FILE_BUDGET);
  }
}

export const dataFileHarness: Harness<string> = {
  format: 'data-file',
  async inputs() {
    const seeds = dataFileSeeds();
    const muts = fc.array(fc.oneof({ weight: 2, arbitrary: asmToken }, { weight: 1, arbitrary: lineMutations(1).map((m) => m[0]) }), { minLength: 1, maxLength: 5 });
    const byLines = fc.tuple(pick(seeds), muts).map(([s, m]): FuzzInput<string> => ({
      label: `${s.name} ${m.map(describeLine).join('; ')}`,
      value: applyLines(s.value, m),
    }));
    const byBytes = fc.tuple(pick(seeds), byteMutations(4)).map(([s, m]): FuzzInput<string> => ({
      label: `${s.name} ${m.map(describeByte).join('; ')}`,
      value: new TextDecoder().decode(applyBytes(new TextEncoder().encode(s.value), m)),
    }));
    return fc.oneof({ weight: 3, arbitrary: byLines }, { weight: 1, arbitrary: byBytes });
  },
  check: (text) => judge(() => exercise(text)),
};
