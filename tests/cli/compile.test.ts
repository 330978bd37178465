// `xdp2hw compile` through the CLI: the JSON contract (insns, passes, changes with proofs,
// validation), --out files, and usage errors (unknown pass, --lanes other than 1) as one line, exit 2.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeProgram } from '../../isa/index.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { runCli } from './run.js';

const XDP1 = join(PROGRAMS_DIR, 'xdp1', 'xdp1.o');

interface CompileJson {
  insns: { original: number; optimized: number };
  passes: { name: string; removed: number; fused: number }[];
  changes: { pc: number; pass: string; what: string; proof: string }[];
  validation?: { packets: number; mismatches: number; firstMismatch?: unknown };
}

describe('xdp2hw compile', () => {
  it('--json: insns, per-pass counts and every change with a proof; --validate adds validation', () => {
    const r = runCli(['compile', XDP1, '--lanes', '1', '--json', '--validate', '--packets', '300']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as CompileJson;
    expect(j.insns.original).toBe(56);
    expect(j.insns.optimized).toBeLessThan(56 * 0.77);
    expect(j.passes.reduce((s, p) => s + p.removed + p.fused, 0)).toBe(j.insns.original - j.insns.optimized);
    for (const c of j.changes) expect(Object.keys(c).sort()).toEqual(['pass', 'pc', 'proof', 'what']);
    expect(j.changes.every((c) => c.proof.length > 0)).toBe(true);
    expect(j.validation).toMatchObject({ mismatches: 0 });
    expect(j.validation!.packets).toBeGreaterThanOrEqual(300);
  });
  it('text output names each pass and its changes', () => {
    const r = runCli(['compile', XDP1, '--passes', 'bounds,dce']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/pass bounds: 4 removed, 0 fused/);
    expect(r.stdout).toMatch(/^ {2}4: packet check .*\(\(b\)/m);
  });
  it('--out writes the bytecode and a listing with source lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xdp2hw-compile-'));
    try {
      const r = runCli(['compile', XDP1, '--out', join(dir, 'x')]);
      expect(r.status, r.stderr).toBe(0);
      const code = decodeProgram(readFileSync(join(dir, 'x.bin')));
      const j = JSON.parse(runCli(['compile', XDP1, '--json']).stdout) as CompileJson;
      expect(code.insns.length).toBe(j.insns.optimized);
      const lst = readFileSync(join(dir, 'x.lst'), 'utf8');
      expect(lst).toMatch(/^; .*\S/m);
      expect(lst).toMatch(/exit 1/);
      expect(existsSync(join(dir, 'x.bin'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('usage errors are one line and exit 2', () => {
    for (const args of [['--passes', 'nope'], ['--no-pass', 'nope'], ['--lanes', '9'], ['--min-frame', '5']]) {
      const r = runCli(['compile', XDP1, ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(/^xdp2hw: /);
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    }
  });
  it('--no-pass leaves a pass out', () => {
    const j = JSON.parse(runCli(['compile', XDP1, '--json', '--no-pass', 'alu3']).stdout) as CompileJson;
    expect(j.passes.map((p) => p.name)).not.toContain('alu3');
    expect(j.changes.some((c) => c.pass === 'alu3')).toBe(false);
  });
});
