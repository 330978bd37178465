// The prover on a lookup whose map depends on the path (tests/rtl/c/rtl_devmap_hash.c: one call on
// a devmap_hash or a devmap, as p[12] says): the result is a choice of two maps' value pointers, and
// the rows' NULL test of it (jumps in rows do not split a choice as an instruction's step does) is
// NULL where the chosen pointer is. The rows as scheduled are proved; the test turned around is refuted.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFile } from '../../compiler/loader/index.js';
import { scheduleObject } from '../../compiler/schedule/index.js';
import { proveEquivalent } from '../../compiler/verify/index.js';
import { XDP2HW } from '../../isa/index.js';
import type { Insn, RowProgram } from '../../isa/index.js';
import { needs, toolMissing } from '../helpers/tools.js';

const C_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'rtl', 'c');
const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-verify-choice-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(needs(toolMissing('clang')))('a NULL test of a lookup on one of two maps', () => {
  it('proved as scheduled (4 lanes, list and motion); the test turned around (jeq → jne) is a counterexample', async () => {
    const out = join(tmp, 'rtl_devmap_hash.o');
    execFileSync('clang', ['-O2', '-g', '-target', 'bpf', '-mcpu=v3', '-I/usr/include/x86_64-linux-gnu', '-c', join(C_DIR, 'rtl_devmap_hash.c'), '-o', out], { stdio: 'pipe' });
    const obj = loadFile(out);
    const original = obj.programs[0];
    for (const strategy of ['list', 'motion'] as const) {
      const rows = scheduleObject(obj, original.name, { core: XDP2HW, lanes: 4, strategy, timeLimitMs: 200 }).program;
      const proof = await proveEquivalent(original, rows, { maps: obj.maps });
      expect(proof.status, JSON.stringify(proof.regions)).toBe('proved');
      // the lookup's NULL test: the one 64-bit jeq against 0 (of r0's copy)
      const isNullTest = (i: Insn): boolean => i.kind === 'jmp' && i.cond === 'jeq' && i.width === 64 && i.src.type === 'imm' && i.src.value === 0;
      const at = rows.rows.findIndex((row) => row.some((s) => s && isNullTest(s.insn)));
      expect(at).toBeGreaterThan(0);
      const wrong: RowProgram = { ...rows, rows: rows.rows.map((row, r) => (r !== at ? row : row.map((s) => (s && isNullTest(s.insn) ? { ...s, insn: { ...s.insn, cond: 'jne' } as Insn } : s)))) };
      const refuted = await proveEquivalent(original, wrong, { maps: obj.maps });
      expect(refuted.status).toBe('counterexample');
    }
  }, 120_000);
});
