// lower(lift(p)) = p: byte for byte, and the same functions, map references, line info and slot
// table, on every program of every object we have: programs/, the loader's test sources (compiled
// here), the fuzz seeds (ELF and listings) and the 313 assembled conformance programs (raw).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lift, lower } from '../../compiler/ir/index.js';
import { loadBytes, loadFile } from '../../compiler/loader/index.js';
import type { LoadedObject, Program } from '../../compiler/loader/index.js';
import { encodeProgram } from '../../isa/index.js';
import { CONFORMANCE_DIR, ROOT } from '../helpers/paths.js';
import { needs, toolMissing } from '../helpers/tools.js';
import { C_PROGRAMS, compiled, corpusObjects } from '../loader/compile.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Asserts the round trip of every program of `obj`; returns how many instructions it covered. */
function roundTrip(obj: LoadedObject): number {
  let n = 0;
  expect(obj.programs.length).toBeGreaterThan(0);
  for (const p of obj.programs) {
    const { program: q, bytes, origins } = lower(lift(p));
    expect(hex(bytes)).toBe(hex(encodeProgram(p.code.insns)));
    expect(q.code.insns).toEqual(p.code.insns);
    expect(q.code.pcs).toEqual(p.code.pcs);
    expect(q.code.slots).toBe(p.code.slots);
    expect(Array.from(q.code.indexOfSlot)).toEqual(Array.from(p.code.indexOfSlot));
    expect(q.functions).toEqual(p.functions);
    expect([...q.mapRefs]).toEqual([...p.mapRefs]);
    expect([...(q.lines ?? [])]).toEqual([...(p.lines ?? [])]);
    expect([q.name, q.section]).toEqual([p.name, p.section]);
    expect(origins.map((o) => o?.index)).toEqual(p.code.insns.map((_, i) => i));
    n += p.code.insns.length;
  }
  return n;
}

describe('lower(lift(p)) = p on the committed objects', () => {
  const corpus = corpusObjects();
  it('finds the programs/ corpus', () => expect(corpus.length).toBeGreaterThanOrEqual(20));
  for (const file of corpus) it(file.slice(ROOT.length + 1), () => expect(roundTrip(loadFile(file))).toBeGreaterThan(0));
  const seeds = join(ROOT, 'tests/fuzz/seeds');
  for (const f of readdirSync(seeds).sort()) it(`tests/fuzz/seeds/${f}`, () => expect(roundTrip(loadFile(join(seeds, f)))).toBeGreaterThan(0));
});

describe.skipIf(needs(toolMissing('clang')))('lower(lift(p)) = p on the loader test objects (compiled here)', () => {
  for (const name of C_PROGRAMS) it(`tests/loader/c/${name}.c`, () => expect(roundTrip(loadFile(compiled(name)))).toBeGreaterThan(0));
});

describe('lower(lift(p)) = p on the assembled conformance programs', () => {
  const cases = readFileSync(`${CONFORMANCE_DIR}/assembled.jsonl`, 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as { file: string; bytecode: string });
  it('has all 313', () => expect(cases.length).toBe(313));
  it('every one, as raw bytecode', () => {
    let insns = 0;
    for (const c of cases) {
      const obj = loadBytes(Buffer.from(c.bytecode, 'hex'), c.file);
      try {
        insns += roundTrip(obj);
      } catch (e) {
        throw new Error(`${c.file}: ${(e as Error).message}`);
      }
    }
    expect(insns).toBeGreaterThan(313);
  });
});

describe('lift keeps what travels with each instruction', () => {
  const file = join(ROOT, 'tests/fuzz/seeds/subprog.o');
  const obj = loadFile(file);
  const p: Program = obj.programs[0];
  const ir = lift(p);
  it('jumps and calls name block labels of the program', () => {
    const labels = new Set(ir.functions.flatMap((f) => f.blocks.map((b) => b.label)));
    const targets = ir.functions.flatMap((f) => f.blocks.flatMap((b) => b.insns.filter((i) => i.target !== undefined)));
    expect(targets.length).toBeGreaterThan(0);
    for (const t of targets) expect(labels.has(t.target!)).toBe(true);
    const calls = targets.filter((t) => t.insn.kind === 'call-local');
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) expect(ir.functions.some((f) => f.blocks[0].label === c.target)).toBe(true);
  });
  it('each instruction names its function, as Program.functions ranges say', () => {
    const starts = p.functions.map((f) => f.start);
    for (const f of ir.functions)
      for (const b of f.blocks)
        for (const i of b.insns) {
          const k = starts.filter((s) => s <= i.origin!.index).length - 1;
          expect(i.fn).toBe(p.functions[k].name);
          expect(b.fn).toBe(f.name);
        }
    expect(ir.functions.map((f) => f.name)).toEqual(p.functions.map((f) => f.name));
  });
  it('map references ride on their lddw', () => {
    const maps = loadFile(join(ROOT, 'tests/fuzz/seeds/maps_btf.o'));
    for (const q of maps.programs) {
      const withRef = lift(q).functions.flatMap((f) => f.blocks.flatMap((b) => b.insns.filter((i) => i.mapRef)));
      expect(withRef.map((i) => [i.origin!.index, i.mapRef])).toEqual([...q.mapRefs]);
      for (const i of withRef) expect(i.insn.kind).toBe('lddw');
    }
  });
});

describe('BTF line info', () => {
  it('names real source lines: the text BTF keeps is the line of the file it names (programs/)', () => {
    let checked = 0;
    for (const file of corpusObjects()) {
      for (const p of loadFile(file).programs) {
        for (const line of p.lines?.values() ?? []) {
          if (line.line === 0) {
            expect(line.text).toBe(''); // code the compiler made, attributed to no line
            continue;
          }
          const src = readFileSync(join(ROOT, 'programs', line.file), 'utf8').split('\n');
          expect(src[line.line - 1], `${line.file}:${line.line}`).toBe(line.text);
          expect(line.col).toBeLessThanOrEqual(line.text.length + 1);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  });
  it('every instruction of a -g object belongs to a line; listings and raw code have none', () => {
    const ir = lift(loadFile(join(ROOT, 'programs/xdp1/xdp1.o')).programs[0]);
    const all = ir.functions.flatMap((f) => f.blocks.flatMap((b) => b.insns));
    expect(all.every((i) => i.line !== undefined)).toBe(true);
    expect(loadFile(join(ROOT, 'tests/fuzz/seeds/xdp1.d.lst')).programs[0].lines).toBeUndefined();
  });
});
