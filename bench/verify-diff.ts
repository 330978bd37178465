// Debug aid for proofs that end unknown: where the original's and the compiled program's outcome terms
// first differ (a parallel walk of the two terms; same operator: descend, else print both). Run:
//   npx tsx bench/verify-diff.ts [program] [pass,pass,...|all] [action,start,end,...]
import { outcome } from '../compiler/verify/outcome.js';
import type { BV } from '../compiler/verify/z3.js';
import { originalAndCompiled } from './verify-pair.js';

const { Z, original, compiled } = await originalAndCompiled();
const a = outcome(Z, original);
const b = outcome(Z, compiled);
type E = ReturnType<BV['arg']>;
const seen = new Set<string>();
let shown = 0;
function walk(x: E, y: E, depth: number, path: string): void {
  if (x.eqIdentity(y) || shown > 12) return;
  const key = `${x.id()}-${y.id()}`;
  if (seen.has(key)) return;
  seen.add(key);
  const same = Z.isApp(x) && Z.isApp(y) && x.decl().eqIdentity(y.decl()) && x.numArgs() === y.numArgs();
  if (same) {
    for (let i = 0; i < x.numArgs(); i++) walk(x.arg(i), y.arg(i), depth + 1, `${path}/${i}`);
    return;
  }
  shown++;
  const s = (e: E): string => e.sexpr().replace(/\s+/g, ' ').slice(0, 600);
  console.log(`--- depth ${depth} ${path}\nA: ${s(x)}\nB: ${s(y)}`);
}
for (const k of (process.argv[4] ?? 'action').split(',')) {
  console.log(`=== ${k}`);
  walk((a as unknown as Record<string, BV>)[k], (b as unknown as Record<string, BV>)[k], 0, '');
}
process.exit(0);
