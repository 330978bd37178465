// How long the Z3 prover takes per program of programs/: the proof of identity (each program
// against itself re-encoded and decoded anew, the floor of `compile --prove`), and the proof of
// the hand-made peephole rewrite of tests/verify (every r0 = A; exit → exit-imm, mov + add → alu3).
// One proof takes seconds, so this times single runs rather than tinybench loops. Run:
//   npx tsx bench/verify.bench.ts [program ...]

import { readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeProgram, encodeProgram } from '../isa/index.js';
import { loadFile } from '../compiler/loader/index.js';
import type { LoadedObject, Program } from '../compiler/loader/types.js';
import { proveEquivalent, VerifyError, z3 } from '../compiler/verify/index.js';
import { peephole } from '../tests/verify/rewrite.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

async function timed(obj: LoadedObject, original: Program, compiled: Program): Promise<string> {
  try {
    const proof = await proveEquivalent(original, compiled, { maps: obj.maps });
    return `${proof.status.padEnd(14)} ${proof.seconds.toFixed(2).padStart(7)} s`;
  } catch (e) {
    if (e instanceof VerifyError) return `not encoded: ${e.message}`;
    throw e;
  }
}

const t0 = performance.now();
await z3();
console.log(`z3 init: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
const names = process.argv.length > 2 ? process.argv.slice(2) : readdirSync(join(ROOT, 'programs')).filter((n) => existsSync(join(ROOT, 'programs', n, `${n}.o`))).sort();
console.log(`${'program'.padEnd(18)} ${'insns'.padStart(5)}  ${'identity'.padEnd(24)} peephole`);
for (const name of names) {
  const obj = loadFile(join(ROOT, 'programs', name, `${name}.o`));
  const p = obj.programs[0];
  const anew: Program = { ...p, code: decodeProgram(encodeProgram(p.code.insns)) };
  const id = await timed(obj, p, anew);
  const ph = await timed(obj, p, peephole(p));
  console.log(`${name.padEnd(18)} ${String(p.code.insns.length).padStart(5)}  ${id.padEnd(24)} ${ph}`);
}
process.exit(0);
