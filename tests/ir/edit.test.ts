// Editing the IR: deletions, insertions, replacements and block splits never patch a jump, lower
// computes every offset again, and an edited program still runs: the `rX = rY; rX += K` → `rX = rY + K`
// fusion (alu3) on router_ipv4 gives the interpreter the same actions and packets as the original.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  insertInsns, IrError, lift, lower, newInsn, removeBlock, removeInsns, replaceInsn, splitBlock, successors, walk, withPrograms,
} from '../../compiler/ir/index.js';
import type { IrProgram } from '../../compiler/ir/index.js';
import { loadFile } from '../../compiler/loader/index.js';
import type { LoadedObject } from '../../compiler/loader/index.js';
import { buildCfg } from '../../compiler/analysis/cfg.js';
import { validateProgram } from '../../isa/index.js';
import { InterpreterEngine } from '../../simulator/interpreter/engine.js';
import { parseFixture } from '../../simulator/maps/fixture.js';
import { parsePcap } from '../../simulator/pcap/reader.js';
import { ROOT } from '../helpers/paths.js';
import { program } from '../interpreter/objects.js';
import { corpusObjects } from '../loader/compile.js';

const asm = (src: string) => program('main', src);
const ops = (ir: IrProgram) => [...walk(ir)].map((s) => s.insn.insn.kind);

describe('edits never patch a jump; lower recomputes offsets', () => {
  it('removing an instruction a jump skips over shortens the jump', () => {
    const ir = lift(asm('jeq %r1, 0, L\nmov %r0, 1\nmov %r0, 2\nL:\nexit'));
    const first = ir.functions[0].blocks[1];
    removeInsns(first, 0);
    const { program: p } = lower(ir);
    expect(p.code.insns[0]).toMatchObject({ kind: 'jmp', off: 1 });
    validateProgram(p.code);
  });
  it('inserting before a jump target keeps jumps on the target block (which now starts with the insertion)', () => {
    const ir = lift(asm('jeq %r1, 0, L\nmov %r0, 1\nL:\nexit'));
    const target = ir.functions[0].blocks[2];
    insertInsns(target, 0, newInsn(target, { kind: 'alu', op: 'mov', width: 64, dst: 0, src: { type: 'imm', value: 7 } }));
    const { program: p, origins } = lower(ir);
    expect(p.code.insns[0]).toMatchObject({ kind: 'jmp', off: 1 });
    expect(origins.map((o) => o?.index)).toEqual([0, 1, undefined, 2]);
  });
  it('an lddw inserted between a jump and its target counts two slots', () => {
    const ir = lift(asm('ja L\nmov %r0, 1\nL:\nexit'));
    const mid = ir.functions[0].blocks[1];
    insertInsns(mid, 0, newInsn(mid, { kind: 'lddw', dst: 2, pseudo: 0, lo: 1, hi: 2 }));
    expect(lower(ir).program.code.insns[0]).toMatchObject({ kind: 'ja', off: 3 });
  });
  it('replace keeps origin and line; a replacement jump names its target', () => {
    const ir = lift(asm('jeq %r1, 0, L\nmov %r0, 1\nL:\nexit'));
    const b0 = ir.functions[0].blocks[0];
    const old = b0.insns[0];
    const made = replaceInsn(b0, 0, { kind: 'jmp', cond: 'jne', width: 64, dst: 1, src: { type: 'imm', value: 0 }, off: 0 }, { target: old.target });
    expect(made.origin).toEqual(old.origin);
    expect(lower(ir).program.code.insns[0]).toMatchObject({ cond: 'jne', off: 1 });
    expect(() => replaceInsn(b0, 0, { kind: 'ja', off: 0, wide: false })).toThrow(IrError);
  });
  it('splitting a block gives a fresh label a new jump can name', () => {
    const ir = lift(asm('mov %r0, 1\nmov %r0, 2\nexit'));
    const tail = splitBlock(ir, 'main.0', 1);
    expect(tail.label).toBe('main.1');
    const head = ir.functions[0].blocks[0];
    insertInsns(head, 0, newInsn(head, { kind: 'ja', off: 0, wide: false }, { target: tail.label }));
    const { program: p } = lower(ir);
    expect(p.code.insns[0]).toMatchObject({ kind: 'ja', off: 1 });
    expect(ops(ir)).toEqual(['ja', 'alu', 'alu', 'exit']);
  });
  it('refuses what would break the program: a referenced block, a target past the function, an offset that does not fit', () => {
    const ir = lift(asm('jeq %r1, 0, L\nmov %r0, 1\nL:\nexit'));
    const target = ir.functions[0].blocks[2];
    removeInsns(target, 0);
    expect(() => removeBlock(ir, target.label)).toThrow(/still refers to it/);
    expect(() => lower(ir)).toThrow(/no block with an instruction after it/);
    const far = lift(asm('ja L\nexit\nL:\nexit'));
    const mid = far.functions[0].blocks[1];
    const movs = Array.from({ length: 0x8000 }, () => newInsn(mid, { kind: 'alu', op: 'mov', width: 64, dst: 0, src: { type: 'imm', value: 0 } }));
    insertInsns(mid, 0, ...movs);
    expect(() => lower(far)).toThrow(/does not fit a 16-bit offset/);
    const empty = lift(asm('exit'));
    removeInsns(empty.functions[0].blocks[0], 0);
    expect(() => lower(empty)).toThrow(/no instructions/);
  });
});

/** `rX = rY; rX += K` in one block → `rX = rY + K` (the core's alu3): a replacement and a deletion. */
function fuseAdd3(ir: IrProgram): number {
  let fused = 0;
  for (const fn of ir.functions)
    for (const block of fn.blocks) {
      for (let at = 1; at < block.insns.length; at++) {
        const mov = block.insns[at - 1].insn;
        const add = block.insns[at].insn;
        if (mov.kind !== 'alu' || mov.op !== 'mov' || mov.width !== 64 || mov.src.type !== 'reg') continue;
        if (add.kind !== 'alu' || add.op !== 'add' || add.width !== 64 || add.dst !== mov.dst || add.src.type !== 'imm') continue;
        replaceInsn(block, at, { kind: 'alu3', op: 'add', width: 64, dst: mov.dst, a: mov.src.reg, b: add.src });
        removeInsns(block, at - 1);
        fused++;
      }
    }
  return fused;
}

async function runAll(obj: LoadedObject, name: string, fixture: unknown, packets: readonly Uint8Array[]) {
  const session = await new InterpreterEngine().open(obj, name, parseFixture(fixture));
  const out: { action: string; packet: string; trap?: string }[] = [];
  for (const packet of packets) {
    const r = await session.run({ packet });
    out.push({ action: r.action, packet: Buffer.from(r.packet).toString('hex'), ...(r.trap ? { trap: r.trap.kind } : {}) });
  }
  await session.close();
  return out;
}

describe('an edited program runs: 3-operand add fusion on router_ipv4, interpreter before and after', () => {
  it('same actions and packets on the first 60 packets of its traffic, with fewer instructions', async () => {
    const dir = join(ROOT, 'programs/router_ipv4');
    const obj = loadFile(join(dir, 'router_ipv4.o'));
    const p = obj.programs[0];
    const ir = lift(p);
    expect(fuseAdd3(ir)).toBeGreaterThan(5);
    const { program: q } = lower(ir);
    validateProgram(q.code);
    expect(q.code.insns.length).toBeLessThan(p.code.insns.length);
    const fixture: unknown = JSON.parse(readFileSync(join(dir, 'maps.json'), 'utf8'));
    const packets = parsePcap(readFileSync(join(dir, 'traffic.pcap'))).records.slice(0, 60).map((r) => r.data);
    const before = await runAll(obj, p.name, fixture, packets);
    const after = await runAll(withPrograms(obj, [q]), p.name, fixture, packets);
    expect(new Set(before.map((r) => r.action)).size).toBeGreaterThan(1);
    expect(after).toEqual(before);
  });
});

describe('successors over IR blocks agree with the CFG of the loaded program', () => {
  it('on every block of every corpus program, and follow edits', () => {
    let blocks = 0;
    for (const file of corpusObjects()) {
      for (const p of loadFile(file).programs) {
        const cfg = buildCfg(p);
        const succ = successors(lift(p));
        for (const b of cfg.blocks) expect([b.label, succ.get(b.label)]).toEqual([b.label, b.succs.map((s) => cfg.blocks[s].label)]);
        blocks += cfg.blocks.length;
      }
    }
    expect(blocks).toBeGreaterThan(300);
    const ir = lift(asm('jeq %r1, 0, L\nmov %r0, 1\nL:\nexit'));
    expect(successors(ir).get('main.0')).toEqual(['main.1', 'main.2']);
    removeInsns(ir.functions[0].blocks[1], 0);
    expect(successors(ir).get('main.1')).toEqual(['main.2']);
  });
});
