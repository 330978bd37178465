// How long the Z3 prover takes per program of programs/: the proof of identity (each program
// against itself re-encoded and decoded anew, the floor of `compile --prove`), and the proof of
// the hand-made peephole rewrite of tests/verify (every r0 = A; exit → exit-imm, mov + add → alu3),
// and what `compile --prove` proves: the pipeline's passes, and the passes then 4 lanes of motion.
// One proof takes seconds, so this times single runs rather than tinybench loops. Run:
//   npx tsx bench/verify.bench.ts [program ...]          what `compile --prove` proves (the passes'
//                                                        output, and with --lanes 4 the rows too):
//                                                        status and seconds per program
//   npx tsx bench/verify.bench.ts --all [program ...]    identity, peephole, passes, passes + 4 lanes

import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeProgram, encodeProgram } from '../isa/index.js';
import { loadFile } from '../compiler/loader/index.js';
import type { LoadedObject, Program } from '../compiler/loader/types.js';
import type { RowProgram } from '../isa/index.js';
import { DEFAULT_CORE } from '../isa/index.js';
import { compileObject } from '../compiler/pipeline.js';
import { scheduleProgram } from '../compiler/schedule/index.js';
import { proveEquivalent, VerifyError, z3 } from '../compiler/verify/index.js';
import type { Proof } from '../compiler/verify/index.js';
import { peephole } from '../tests/verify/rewrite.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

async function timed(obj: LoadedObject, original: Program, compiled: Program | RowProgram, minLength?: number): Promise<string> {
  try {
    const proof = await proveEquivalent(original, compiled, { maps: obj.maps, minLength });
    return `${proof.status.padEnd(14)} ${proof.seconds.toFixed(2).padStart(7)} s${proof.region ? ` (${proof.region})` : ''}`;
  } catch (e) {
    if (e instanceof VerifyError) return `not encoded: ${e.message}`;
    throw e;
  }
}

const t0 = performance.now();
await z3();
console.log(`z3 init: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
const all = process.argv.includes('--all');
const args = process.argv.slice(2).filter((a) => a !== '--all');
const names = args.length ? args : readdirSync(join(ROOT, 'programs')).filter((n) => existsSync(join(ROOT, 'programs', n, `${n}.o`))).sort();
if (!all) {
  // `xdp2hw compile X.o --prove --json` as the acceptance runs it: one process per program (the
  // built CLI, dist/: npm run build first), its proof's status and seconds, and the wall time;
  // then the same with `--lanes 4` (the schedule proved too: passes, then rows)
  const prove = (name: string, extra: string[]): { p?: Proof; wall: number; error?: string; insns?: [number, number] } => {
    const t = performance.now();
    const run = spawnSync(process.execPath, [join(ROOT, 'dist/cli/xdp2hw.js'), 'compile', join(ROOT, 'programs', name, `${name}.o`), '--prove', '--json', ...extra], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const wall = (performance.now() - t) / 1000;
    try {
      const json = JSON.parse(run.stdout) as { proof: Proof; instructions?: { original: number; optimized: number } };
      return { p: json.proof, wall };
    } catch {
      return { wall, error: (run.stderr || run.stdout).split('\n')[0] };
    }
  };
  const cell = (r: ReturnType<typeof prove>): string => (r.p ? `${r.p.status.padEnd(14)} ${r.p.seconds.toFixed(1).padStart(7)} ${r.wall.toFixed(1).padStart(7)}  ${(r.p.region ?? '').padEnd(20)}` : `error: ${r.error}`.padEnd(51));
  console.log(`${'program'.padEnd(18)} ${'insns'.padStart(5)} ${'compiled'.padStart(8)}  ${'default: status'.padEnd(14)} ${'proof s'.padStart(7)} ${'wall s'.padStart(7)}  ${'region'.padEnd(20)} ${'--lanes 4: status'.padEnd(14)} ${'proof s'.padStart(7)} ${'wall s'.padStart(7)}  region`);
  let proved = 0, provedRows = 0, over = 0;
  for (const name of names) {
    const d = prove(name, []), r = prove(name, ['--lanes', '4']);
    if (d.p?.status === 'proved') proved++;
    if (r.p?.status === 'proved') provedRows++;
    if ((d.p?.seconds ?? Infinity) >= 60 || (r.p?.seconds ?? Infinity) >= 60) over++;
    const c = compileObject(loadFile(join(ROOT, 'programs', name, `${name}.o`)));
    console.log(`${name.padEnd(18)} ${String(c.original.code.insns.length).padStart(5)} ${String(c.optimized.program.code.insns.length).padStart(8)}  ${cell(d)} ${cell(r)}`);
  }
  console.log(`default: ${proved} of ${names.length} proved; --lanes 4: ${provedRows} of ${names.length} proved; ${over} program(s) with a proof of 60 s or more`);
  process.exit(0);
}
console.log(`${'program'.padEnd(18)} ${'insns'.padStart(5)}  ${'identity'.padEnd(24)} ${'peephole'.padEnd(24)} ${'passes'.padEnd(24)} passes + 4 lanes motion`);
for (const name of names) {
  const obj = loadFile(join(ROOT, 'programs', name, `${name}.o`));
  const p = obj.programs[0];
  const anew: Program = { ...p, code: decodeProgram(encodeProgram(p.code.insns)) };
  const id = await timed(obj, p, anew);
  const ph = await timed(obj, p, peephole(p));
  const c = compileObject(obj);
  const passes = await timed(obj, p, c.optimized.program);
  const rows = await timed(obj, p, scheduleProgram(c.ir, c.insns.original, { core: DEFAULT_CORE, lanes: 4, strategy: 'motion' }).program);
  console.log(`${name.padEnd(18)} ${String(p.code.insns.length).padStart(5)}  ${id.padEnd(24)} ${ph.padEnd(24)} ${passes.padEnd(24)} ${rows}`);
}
process.exit(0);
