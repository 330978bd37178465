// The loader on objects compiled by clang here: disassembly equal to llvm-objdump's (-d and -dr),
// instruction counts, maps as the sources define them, BPF-to-BPF linking, features and helpers.
import { describe, expect, it } from 'vitest';
import { loadFile } from '../../compiler/loader/index.js';
import type { LoadedObject, Program } from '../../compiler/loader/index.js';
import { disasmLines } from '../../compiler/loader/print.js';
import { summarize } from '../../compiler/loader/summary.js';
import { encodeInsn } from '../../isa/index.js';
import { needs, toolMissing } from '../helpers/tools.js';
import { C_PROGRAMS, compiled, corpusObjects, llvmObjdump, objdumpCounts } from './compile.js';

const noClang = needs(toolMissing('clang'), toolMissing('llvm-objdump'));

describe.skipIf(noClang)('clang objects: disassembly and counts match llvm-objdump', () => {
  const files = [...C_PROGRAMS.map((n) => ({ name: n, path: () => compiled(n) })), ...corpusObjects().map((p) => ({ name: p, path: () => p }))];
  for (const f of files) {
    it(`${f.name}: disasm = llvm-objdump -d, -dr = -dr`, () => {
      const obj = loadFile(f.path());
      expect(disasmLines(obj).join('\n') + '\n').toBe(llvmObjdump(['-d'], f.path()));
      expect(disasmLines(obj, { relocs: true }).join('\n') + '\n').toBe(llvmObjdump(['-dr'], f.path()));
    });
    it(`${f.name}: insns per program = llvm-objdump's count for its function`, () => {
      const obj = loadFile(f.path());
      const counts = objdumpCounts(llvmObjdump(['-d'], f.path()));
      expect(obj.programs.length).toBeGreaterThan(0);
      for (const p of summarize(obj).programs) expect([p.name, p.insns]).toEqual([p.name, counts.get(p.name)]);
    });
    it(`${f.name}: every call of a linked program lands on one of its functions, copied unchanged`, () => {
      const obj = loadFile(f.path());
      for (const p of obj.programs) checkLinked(obj, p);
    });
  }
});

/** Calls target function starts; each function's instructions match the section's outside relocated ones. */
function checkLinked(obj: LoadedObject, p: Program): void {
  const starts = new Map(p.functions.map((fn) => [p.code.pcs[fn.start], fn.name]));
  p.code.insns.forEach((insn, i) => {
    if (insn.kind === 'call-local') expect(starts.has(p.code.pcs[i] + insn.off + 1), `${p.name}: call at ${i}`).toBe(true);
  });
  p.functions.forEach((fn, k) => {
    const end = k + 1 < p.functions.length ? p.functions[k + 1].start : p.code.insns.length;
    const sec = obj.sections!.find((s) => (k === 0 ? s.name === p.section : s.symbols.some((y) => y.func && y.name === fn.name && (s.name === '.text' || s.name === p.section))))!;
    const sym = sec.symbols.find((y) => y.func && y.name === fn.name)!;
    const first = sec.code.pcs.indexOf(sym.slot);
    for (let i = fn.start; i < end; i++) {
      const orig = sec.code.insns[first + i - fn.start];
      const mine = p.code.insns[i];
      if (orig.kind === 'call-local' && p.kfuncs?.has(i)) {
        expect(mine).toMatchObject({ kind: 'call', target: 'kfunc' }); // `call -1` to an extern: a kfunc call
        continue;
      }
      if (orig.kind === 'call-local' || p.mapRefs.has(i) || (orig.kind === 'lddw' && mine.kind === 'lddw' && mine.pseudo === 4)) {
        expect(mine.kind).toBe(orig.kind);
        continue;
      }
      expect(encodeInsn(mine)).toEqual(encodeInsn(orig));
    }
  });
}

describe.skipIf(noClang)('clang objects: maps, programs, helpers and features', () => {
  const info = (name: string) => summarize(loadFile(compiled(name)));
  const map = (name: string, m: string) => info(name).maps.find((x) => x.name === m);

  it('BTF-defined maps: type, sizes from __type and __uint, flags, inner map', () => {
    expect(map('maps_btf', 'counts')).toEqual({ name: 'counts', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 128, flags: 0 });
    expect(map('maps_btf', 'lru')).toEqual({ name: 'lru', type: 'lru_hash', keySize: 8, valueSize: 16, maxEntries: 1024, flags: 0 });
    expect(map('maps_btf', 'lpm')).toEqual({ name: 'lpm', type: 'lpm_trie', keySize: 8, valueSize: 4, maxEntries: 16, flags: 1 });
    expect(map('maps_btf', 'outer')).toEqual({
      name: 'outer', type: 'array_of_maps', keySize: 4, valueSize: 4, maxEntries: 2, flags: 0,
      innerMap: { name: 'outer.inner', type: 'array', keySize: 4, valueSize: 4, maxEntries: 4, flags: 0 },
    });
    const p = info('maps_btf').programs[0];
    expect(p.maps).toEqual(['counts', 'lru', 'outer']);
    expect(p.helpers).toEqual(['bpf_map_lookup_elem', 'bpf_map_update_elem']);
    expect(p.features).toContain('atomics');
  });

  it('legacy SEC("maps") definitions', () => {
    expect(info('legacy').maps).toEqual([
      { name: 'stats', type: 'percpu_array', keySize: 4, valueSize: 8, maxEntries: 256, flags: 0 },
      { name: 'tx', type: 'devmap', keySize: 4, valueSize: 4, maxEntries: 64, flags: 0 },
    ]);
    const p = info('legacy').programs[0];
    expect([p.name, p.section, p.type, p.helpers]).toEqual(['xdp_legacy', 'xdp/legacy', 'xdp', ['bpf_map_lookup_elem', 'bpf_redirect_map']]);
  });

  it('global data: one array map per section, initial bytes, value references with offsets', () => {
    const obj = loadFile(compiled('globals'));
    const rodata = obj.maps.find((m) => m.name === '.rodata')!;
    expect([rodata.type, rodata.keySize, rodata.valueSize, rodata.maxEntries, rodata.flags]).toEqual(['array', 4, 8, 1, 0x480]);
    expect([...rodata.initial!]).toEqual([100, 0, 0, 0, 7, 0, 0, 0]); // limit = 100, other = 7
    const data = obj.maps.find((m) => m.name === '.data')!;
    expect([...data.initial!]).toEqual([5, 0, 0, 0, 0, 0, 0, 0]); // hits = 5
    const bss = obj.maps.find((m) => m.name === '.bss')!;
    expect([bss.valueSize, bss.flags, bss.initial!.every((b) => b === 0)]).toEqual([24, 0x400, true]);
    const refs = [...obj.programs[0].mapRefs.values()].map((r) => `${obj.maps[r.map].name}+${r.offset}:${r.kind}`);
    // hits, other, zero_count, arr, limit in program order
    expect(refs).toEqual(['.data+0:value', '.rodata+4:value', '.bss+0:value', '.bss+8:value', '.rodata+0:value']);
    expect(summarize(obj).programs[0].features).toContain('global data');
  });

  it('subprograms: appended depth first as libbpf does; every program type kept', () => {
    const obj = loadFile(compiled('subprog'));
    const byName = new Map(obj.programs.map((p) => [p.name, p]));
    expect([...byName.keys()]).toEqual(['xdp_main', 'xdp_second', 'tc_prog']);
    expect(byName.get('xdp_main')!.functions.map((f) => f.name)).toEqual(['xdp_main', 'parse', 'bump']);
    expect(byName.get('xdp_second')!.functions.map((f) => f.name)).toEqual(['xdp_second', 'bump', 'global_fn']);
    const s = summarize(obj).programs;
    expect(s.map((p) => p.type)).toEqual(['xdp', 'xdp', 'tc']);
    expect(s[0].features).toContain('bpf-to-bpf calls');
    expect(s[0].linkedInsns).toBeGreaterThan(s[0].insns);
  });

  it('callbacks: an lddw of a .text function becomes a function pointer to the appended copy', () => {
    const obj = loadFile(compiled('loop'));
    const p = obj.programs[0];
    expect(p.functions.map((f) => f.name)).toEqual(['xdp_loop', 'step']);
    const i = p.code.insns.findIndex((x) => x.kind === 'lddw' && x.pseudo === 4);
    const insn = p.code.insns[i];
    expect(insn.kind === 'lddw' && p.code.pcs[i] + (insn.lo | 0) + 1).toBe(p.code.pcs[p.functions[1].start]);
    expect(summarize(obj).programs[0].features).toEqual(expect.arrayContaining(['alu32', 'jmp32', 'function pointers', 'global data']));
  });

  it('32-bit ALU and jumps are reported', () => {
    expect(info('alu32').programs[0].features).toEqual(['alu32', 'jmp32']);
  });

  it('prog arrays: values are programs, no inner map; tail calls are reported', () => {
    expect(map('tailcall', 'jumps')).toEqual({ name: 'jumps', type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 4, flags: 0 });
    expect(info('tailcall').programs.find((p) => p.name === 'xdp_entry')!.features).toContain('tail calls');
  });
});
