// Bounded execution: programs that never end (`ja -1`, a counter loop that wraps only after 2^64
// steps, a loop through a BPF-to-BPF call) stop with a budget trap and XDP_ABORTED, in the
// interpreter engine, in `xdp2hw run` and in the conformance runtime.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBytes } from '../../compiler/loader/index.js';
import { assemble, encodeProgram } from '../../isa/index.js';
import { InterpreterSession } from '../../simulator/interpreter/engine.js';
import { runConformance } from '../../simulator/interpreter/conformance.js';
import { DEFAULT_BUDGET } from '../../simulator/machine/index.js';
import { runMain } from '../fuzz/capture.js';

const LOOPS: Readonly<Record<string, string>> = {
  'ja -1': 'ja -1',
  'counter loop (r1 += 1 until it wraps to 0)': 'mov %r1, 0\nloop:\nadd %r1, 1\njne %r1, 0, loop\nmov %r0, 2\nexit',
  'loop through a call': 'top:\ncall local f\nja top\nf:\nmov %r0, 1\nexit',
};

const PACKET = new Uint8Array(64);
const dir = mkdtempSync(join(tmpdir(), 'xdp2hw-budget-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (src: string) => encodeProgram(assemble(src));

describe.each(Object.entries(LOOPS))('%s', (_, src) => {
  it('the interpreter engine stops it with a budget trap: XDP_ABORTED after exactly the budget', () => {
    const obj = loadBytes(bytes(src), 'loop.bin');
    const session = new InterpreterSession(obj, obj.programs[0].name, undefined, { budget: 50_000 });
    const r = session.runSync({ packet: PACKET });
    expect(r.trap?.kind).toBe('budget');
    expect(r.action).toBe('XDP_ABORTED');
    expect(r.code).toBe(0);
    expect(r.insnsExecuted).toBe(50_000);
    // the session stays usable: the next packet runs (and traps) the same way
    expect(session.runSync({ packet: PACKET }).trap?.kind).toBe('budget');
  });

  it(`the default budget (${DEFAULT_BUDGET}) ends it too, quickly`, () => {
    const obj = loadBytes(bytes(src), 'loop.bin');
    const t0 = performance.now();
    const r = new InterpreterSession(obj, obj.programs[0].name, undefined).runSync({ packet: PACKET });
    const ms = performance.now() - t0;
    console.log(`${DEFAULT_BUDGET} instructions of a loop in ${ms.toFixed(0)} ms`);
    expect(r.trap?.kind).toBe('budget');
    expect(r.insnsExecuted).toBe(DEFAULT_BUDGET);
    expect(ms).toBeLessThan(5000);
  });

  it('xdp2hw run prints the trap and exits 0 (a trap is a result)', async () => {
    const file = join(dir, 'loop.bin');
    writeFileSync(file, bytes(src));
    const r = await runMain(['run', file, '--packet', '00'.repeat(64), '--budget', '1000']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^action: XDP_ABORTED \(0\)$/m);
    expect(r.stdout).toMatch(/^trap: budget at instruction \d+ of loop: instruction budget of 1000 exhausted/m);
    expect(r.stdout).toMatch(/^instructions executed: 1000$/m);
  });

  it('the conformance runtime reports it as an error, not a hang', () => {
    const out = runConformance(bytes(src), new Uint8Array(0), 10_000);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.trap?.kind).toBe('budget');
  });
});
