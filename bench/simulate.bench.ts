// Speed of the cycle-accurate core (bench/simulate.suite.ts): simulated packets per second for
// xdp1 and l4lb beside the kernel JIT's packets per second. Run:
//   npx tsx bench/simulate.bench.ts [--quick]

import { suite } from './simulate.suite.js';

for (const t of await suite.run({ quick: process.argv.includes('--quick') })) {
  console.log(`\n${t.title}`);
  console.table(t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i]]))));
}
