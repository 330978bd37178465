// Instruction counts as llvm-objdump lists them (one line per instruction, an lddw once): l4lb,
// the Katran-like balancer, has at least 250; the loader sees the same number as llvm-objdump.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadFile } from '../../compiler/loader/index.js';
import { needs, toolMissing } from '../helpers/tools.js';
import { corpusPrograms, countListedInsns } from './corpus.js';

const programs = corpusPrograms();

function objdumpCount(object: string): number {
  const r = spawnSync('llvm-objdump', ['-d', object], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`llvm-objdump -d ${object}: ${r.stderr}`);
  return countListedInsns(r.stdout);
}

describe.skipIf(needs(toolMissing('llvm-objdump')))('programs/: instruction counts', () => {
  it('l4lb has at least 250 eBPF instructions', () => {
    const l4lb = programs.find((p) => p.name === 'l4lb');
    expect(l4lb).toBeDefined();
    expect(objdumpCount(l4lb!.object)).toBeGreaterThanOrEqual(250);
  });

  it('llvm-objdump and the loader count the same instructions in every object', () => {
    const rows = programs.map((p) => ({ name: p.name, objdump: objdumpCount(p.object), loader: loadFile(p.object).programs[0].code.insns.length }));
    console.log(rows.map((r) => `${r.name.padEnd(18)} ${String(r.objdump).padStart(4)}`).join('\n'));
    for (const r of rows) expect(r.loader, r.name).toBe(r.objdump);
  });
});
