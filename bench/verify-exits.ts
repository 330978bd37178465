// Debug aid: the exits of a program and of its compiled form (guards, ends and whether their flow
// conditions are shared terms). Run: npx tsx bench/verify-exits.ts [program] [pass,pass,...|all]
import { join } from 'node:path';
import { loadFile } from '../compiler/loader/index.js';
import { compileObject } from '../compiler/pipeline.js';
import { symbolicEnv } from '../compiler/verify/env.js';
import { execute } from '../compiler/verify/exec.js';
import { z3 } from '../compiler/verify/z3.js';

const name = process.argv[2] ?? 'l4lb';
const passes = process.argv[3] && process.argv[3] !== 'all' ? process.argv[3].split(',') : undefined;
const obj = loadFile(join('programs', name, `${name}.o`));
const c = compileObject(obj, passes ? { passes } : {});
const Z = await z3();
const { env } = symbolicEnv(Z, { maps: obj.maps });
const a = await execute(env, obj.programs[0], 'original');
const b = await execute(env, c.optimized.program, 'compiled');
const ids = (l: typeof a) => new Set(l.filter((e) => !e.aborted).map((e) => e.flow.id()));
const ia = ids(a), ib = ids(b);
for (const [n, l, other] of [['A', a, ib], ['B', b, ia]] as const) {
  console.log(`${n}: ${l.length} exits, ${l.filter((e) => e.aborted).length} guards`);
  for (const e of l) if (!e.aborted) console.log(`  ${n} @${e.index} action ${e.action.sexpr().slice(0, 60)} flow#${e.flow.id()} ${other.has(e.flow.id()) ? 'shared' : 'OWN ' + e.flow.sexpr().replace(/\s+/g, ' ').length}`);
}
process.exit(0);
