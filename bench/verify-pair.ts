// Shared set-up of the proof debug aids (verify-diff.ts, verify-exits.ts): argv[2] the program
// (default l4lb), argv[3] its passes (comma-separated, or `all`), compiled and both versions run
// symbolically over one environment.
import { join } from 'node:path';
import { loadFile } from '../compiler/loader/index.js';
import { compileObject } from '../compiler/pipeline.js';
import { symbolicEnv } from '../compiler/verify/env.js';
import { execute } from '../compiler/verify/exec.js';
import { z3 } from '../compiler/verify/z3.js';

export async function originalAndCompiled() {
  const name = process.argv[2] ?? 'l4lb';
  const passes = process.argv[3] && process.argv[3] !== 'all' ? process.argv[3].split(',') : undefined;
  const obj = loadFile(join('programs', name, `${name}.o`));
  const c = compileObject(obj, passes ? { passes } : {});
  const Z = await z3();
  const { env } = symbolicEnv(Z, { maps: obj.maps });
  return { Z, original: await execute(env, obj.programs[0], 'original'), compiled: await execute(env, c.optimized.program, 'compiled') };
}
