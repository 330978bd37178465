// Cycles per second of the TypeScript core beside Verilator's and Icarus's on xdp1 and its traffic
// (bench/rtl.suite.ts measures), printed as a table. Run:
//   npx tsx bench/rtl.bench.ts [--quick] [--lanes 1,4]

import { parseArgs } from 'node:util';
import { rtlSpeed } from './rtl.suite.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, lanes: { type: 'string', default: '4' } } });
const tables = await rtlSpeed({ quick: values.quick, lanes: values.lanes.split(',').map(Number) });
for (const t of tables) {
  const cells = [t.columns, ...t.rows.map((r) => r.map(String))];
  const w = t.columns.map((_, i) => Math.max(...cells.filter((r) => r.length === t.columns.length && r[1] !== '').map((r) => r[i].length)));
  console.log(t.title);
  for (const r of cells) console.log(r[1] === '' ? r[0] : r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  '));
}
