// The passes on every program of programs/: each change proven (non-empty proof), the ratio
// optimized/original against hXDP's (REFERENCE.md, Fig. 7), and the same count from the object
// and from its `llvm-objdump -S` listing (hXDP's input form).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFile, loadBytes } from '../../compiler/loader/index.js';
import { compileObject } from '../../compiler/pipeline.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { toolMissing } from '../helpers/tools.js';

/** hXDP's "after peephole / original" per program (REFERENCE.md): ours must be no higher. */
export const TARGETS: Record<string, { hxdp: number; bound: number }> = {
  xdp1: { hxdp: 47 / 61, bound: 47 / 61 },
  xdp2: { hxdp: 63 / 78, bound: 63 / 78 },
  adjust_tail: { hxdp: 82 / 117, bound: 82 / 117 },
  router_ipv4: { hxdp: 91 / 119, bound: 91 / 119 },
  rxq_info: { hxdp: 72 / 81, bound: 72 / 81 },
  tx_ip_tunnel: { hxdp: 220 / 283, bound: 220 / 283 },
  simple_firewall: { hxdp: 50 / 72, bound: 50 / 72 },
  l4lb: { hxdp: 205 / 268, bound: 205 / 268 },
};

const object = (name: string) => join(PROGRAMS_DIR, name, `${name}.o`);

describe('passes on programs/', () => {
  it.each(Object.keys(TARGETS))('%s: ratio within bound, every change proven', (name) => {
    const c = compileObject(loadFile(object(name)));
    const ratio = c.insns.optimized / c.insns.original;
    expect(ratio, `${name}: ${c.insns.optimized}/${c.insns.original}`).toBeLessThanOrEqual(TARGETS[name].bound + 1e-9);
    expect(c.report.changes.length).toBeGreaterThan(0);
    for (const ch of c.report.changes) {
      expect(ch.proof.trim(), `${name} ${ch.pc}: ${ch.what}`).not.toBe('');
      expect(ch.pass).toMatch(/^[a-z0-9-]+$/);
    }
    const saved = c.report.passes.reduce((s, p) => s + p.removed + p.fused, 0);
    expect(saved).toBe(c.insns.original - c.insns.optimized);
  });

  it.skipIf(toolMissing('llvm-objdump'))('xdp1: the llvm-objdump -S listing gives the same optimized count as the object', () => {
    const listing = execFileSync('llvm-objdump', ['-S', object('xdp1')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const fromListing = compileObject(loadBytes(Buffer.from(listing), 'xdp1.lst'));
    const fromObject = compileObject(loadFile(object('xdp1')));
    expect(fromListing.insns).toEqual(fromObject.insns);
  });
});
