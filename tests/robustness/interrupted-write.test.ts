// Nothing half-written: every command that writes files (found from `--help`: an --out option) is
// killed mid-write with SIGKILL, SIGINT and SIGTERM, with and without an existing target; the
// target is then absent or unchanged, SIGINT/SIGTERM leave no temp file, and after SIGKILL the
// next run of the command sweeps the stale temp file and writes the target whole.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverCommands, isOutputOption } from '../fuzz/cli-options.js';
import { ROOT } from '../helpers/paths.js';

const CLI = join(ROOT, 'dist/cli/xdp2hw.js');
/** How to make each writing command write a large file (`big`) or a small one (`small`) to `out`. */
const RECIPES: Readonly<Record<string, { big: (out: string) => string[]; small: (out: string) => string[] }>> = {
  traffic: { big: (out) => ['traffic', '--count', '5000000', '--out', out], small: (out) => ['traffic', '--count', '10', '--out', out] },
};
/**
 * Commands whose outputs are too small to be caught mid-write (a few KB, each written whole with
 * writeFileAtomicSync: temp file + rename); instead: their targets are replaced whole, no temp left.
 */
const SMALL: Readonly<Record<string, { args: (out: string) => string[]; targets: (out: string) => string[] }>> = {
  compile: { args: (out) => ['compile', join(ROOT, 'programs/xdp1/xdp1.o'), '--out', out], targets: (out) => [`${out}.bin`, `${out}.lst`] },
  report: { args: (out) => ['report', join(ROOT, 'programs/xdp_pass/xdp_pass.o'), '--max-packets', '5', '--out', `${out}.html`], targets: (out) => [`${out}.html`] },
};
/**
 * Commands that write another way, each tested where it is built: `sweep` appends one whole JSON
 * line per point with one write(2) and cuts a torn last line on resume (tests/sweep: killed runs
 * and torn lines); `verilog` writes its design directory beside the target and renames it into
 * place, whole or not at all (tests/rtl).
 */
const ELSEWHERE: Readonly<Record<string, string>> = { sweep: 'tests/sweep', verilog: 'tests/rtl' };
const SIGNALS = ['SIGKILL', 'SIGINT', 'SIGTERM'] as const;
const MID_WRITE = 4 << 20;

const dir = mkdtempSync(join(tmpdir(), 'xdp2hw-interrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const temps = (target: string): string[] => readdirSync(dir).filter((n) => n.startsWith(`${basename(target)}.tmp-`));

let writers: string[] = [];
beforeAll(async () => {
  writers = (await discoverCommands()).filter((c) => c.options.some((o) => isOutputOption(o.name))).map((c) => c.name);
});

it('every command with an output option has a recipe here', () => {
  expect(writers.length).toBeGreaterThan(0);
  for (const w of writers) expect([...Object.keys(RECIPES), ...Object.keys(SMALL), ...Object.keys(ELSEWHERE)], `command ${w} writes files: add a recipe`).toContain(w);
});

describe.each(Object.keys(SMALL))('xdp2hw %s writes its small outputs whole', (cmd) => {
  it('over existing targets: replaced, no temp file left', () => {
    const prefix = join(dir, `${cmd}-small`);
    const targets = SMALL[cmd].targets(prefix);
    for (const t of targets) writeFileSync(t, 'old content');
    const r = spawnSync(process.execPath, [CLI, ...SMALL[cmd].args(prefix)], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    for (const t of targets) {
      expect(readFileSync(t, 'utf8')).not.toBe('old content');
      expect(temps(t)).toEqual([]);
    }
  });
});

/** Starts the command and resolves once its temp file holds MID_WRITE bytes. */
async function startBigWrite(args: string[], target: string) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.on('exit', (code, signal) => {
    ended = true;
    r({ code, signal });
  }));
  const t0 = Date.now();
  for (;;) {
    const t = temps(target).map((n) => join(dir, n));
    if (t.length === 1 && (statSync(t[0], { throwIfNoEntry: false })?.size ?? 0) > MID_WRITE) break;
    if (ended) throw new Error(`${args[0]} ended before it was killed: ${stderr} (temp files: ${t.join(', ')})`);
    if (Date.now() - t0 > 60_000) throw new Error(`${args[0]} wrote nothing in 60 s (temp files: ${t.join(', ')}): ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, exited };
}

describe.each(Object.keys(RECIPES))('xdp2hw %s killed mid-write', (cmd) => {
  const recipe = RECIPES[cmd];
  for (const sig of SIGNALS) {
    for (const existing of [false, true]) {
      it(`${sig}, ${existing ? 'over an existing target: it keeps its content' : 'no target before: none after'}`, async () => {
        const target = join(dir, `${cmd}-${sig}-${existing}.out`);
        if (existing) writeFileSync(target, 'old content');
        const { child, exited } = await startBigWrite(recipe.big(target), target);
        child.kill(sig);
        const { signal } = await exited;
        expect(signal).toBe(sig);
        if (existing) expect(readFileSync(target, 'utf8')).toBe('old content');
        else expect(existsSync(target)).toBe(false);
        if (sig !== 'SIGKILL') expect(temps(target)).toEqual([]);
        else {
          // the killed process could not clean up; the next writer of the target does
          expect(temps(target)).toHaveLength(1);
          const again = spawnSync(process.execPath, [CLI, ...recipe.small(target)], { encoding: 'utf8' });
          expect(again.status, again.stderr).toBe(0);
          expect(temps(target)).toEqual([]);
          expect(statSync(target).size).toBeGreaterThan(0);
        }
      }, 120_000);
    }
  }
});
