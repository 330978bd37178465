// Debug aid: the exits of a program and of its compiled form (guards, ends and whether their flow
// conditions are shared terms). Run: npx tsx bench/verify-exits.ts [program] [pass,pass,...|all]
import { originalAndCompiled } from './verify-pair.js';

const { original: a, compiled: b } = await originalAndCompiled();
const ids = (l: typeof a) => new Set(l.filter((e) => !e.aborted).map((e) => e.flow.id()));
const ia = ids(a), ib = ids(b);
for (const [n, l, other] of [['A', a, ib], ['B', b, ia]] as const) {
  console.log(`${n}: ${l.length} exits, ${l.filter((e) => e.aborted).length} guards`);
  for (const e of l) if (!e.aborted) console.log(`  ${n} @${e.index} action ${e.action.sexpr().slice(0, 60)} flow#${e.flow.id()} ${other.has(e.flow.id()) ? 'shared' : 'OWN ' + e.flow.sexpr().replace(/\s+/g, ' ').length}`);
}
process.exit(0);
