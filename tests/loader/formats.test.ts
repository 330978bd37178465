// Raw bytecode and llvm-objdump listings, and recognising formats by content: handwritten inputs,
// and listings that llvm-objdump makes of clang objects, which must load as the objects do.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadBytes, LoadError } from '../../compiler/loader/index.js';
import type { LoadedObject } from '../../compiler/loader/index.js';
import { encodeInsn } from '../../isa/index.js';
import { needs, toolMissing } from '../helpers/tools.js';
import { C_PROGRAMS, compiled, llvmObjdump } from './compile.js';
import { code } from './elf-builder.js';

const text = (s: string) => new TextEncoder().encode(s);

function loadError(bytes: Uint8Array, name = 'in'): LoadError {
  try {
    loadBytes(bytes, name);
  } catch (e) {
    if (e instanceof LoadError) return e;
    throw e;
  }
  throw new Error('expected a LoadError');
}

describe('raw bytecode', () => {
  it('one program named after the file; call-local targets become functions', () => {
    const obj = loadBytes(code('8510000001000000', '9500000000000000', 'b700000002000000', '9500000000000000'), '/x/prog.bin');
    expect(obj.format).toBe('raw');
    const p = obj.programs[0];
    expect([p.name, p.section, p.code.insns.length, p.functions]).toEqual(['prog', '', 4, [{ name: 'prog', start: 0 }, { name: 'sub_2', start: 2 }]]);
    expect(obj.maps).toEqual([]);
  });

  it('a truncated last instruction names its index', () => {
    const e = loadError(code('b700000002000000', '9500000000000000').subarray(0, 13), 't.bin');
    expect([e.index, e.message]).toEqual([1, 't.bin: instruction 1: truncated instruction: 5 byte(s) left over after 1 whole instruction(s)']);
  });

  it('an invalid instruction names its index', () => {
    const e = loadError(code('b700000002000000', 'ff00000000000000', '9500000000000000'), 'i.bin');
    expect([e.index, e.message]).toEqual([1, 'i.bin: instruction 1: unknown opcode 0xff']);
  });

  it('an lddw cut in half', () => {
    expect(loadError(code('b700000002000000', '1801000000000000'), 'l.bin').message).toBe('l.bin: instruction 1: lddw is missing its second half (end of program)');
  });
});

describe('recognising the format', () => {
  it('empty file', () => expect(loadError(new Uint8Array(0), 'e.o').message).toBe('e.o: empty file'));
  it('garbage', () => expect(loadError(Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3]), 'g').why).toBe('not an ELF object, an llvm-objdump listing or raw bytecode'));
  it('text that is not a listing', () => expect(loadError(text('hello world\n'.repeat(4)), 't').why).toBe('not an ELF object, an llvm-objdump listing or raw bytecode'));
  it('binary that does not start with an instruction', () => expect(loadError(new Uint8Array(16).fill(0xff), 'b').why).toBe('not an ELF object, an llvm-objdump listing or raw bytecode'));
});

const LISTING = `
hand.o:\tfile format elf64-bpf

Disassembly of section .text:

0000000000000000 <helper>:
; static int helper(void) { return 3; }
       0:\tb7 00 00 00 03 00 00 00\tr0 = 3
       1:\t95 00 00 00 00 00 00 00\texit

Disassembly of section xdp:

0000000000000000 <prog>:
       0:\t18 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00\tr1 = 0 ll
\t\t0000000000000000:  R_BPF_64_64\tcounts
       2:\t85 10 00 00 ff ff ff ff\tcall -1
\t\t0000000000000010:  R_BPF_64_32\t.text
       3:\t15 00 01 00 00 00 00 00\tif r0 == 0 goto +1 <LBB0_2>
       4:\tb7 00 00 00 02 00 00 00\tr0 = 2

0000000000000028 <LBB0_2>:
       5:\t95 00 00 00 00 00 00 00\texit
`;

describe('llvm-objdump listings', () => {
  it('-dr: sections, functions, labels, relocations to maps and .text', () => {
    const obj = loadBytes(text(LISTING), 'hand.txt');
    expect(obj.format).toBe('objdump');
    expect(obj.maps).toEqual([{ name: 'counts', type: 'unspec', typeId: 0, keySize: 0, valueSize: 0, maxEntries: 0, flags: 0 }]);
    const p = obj.programs[0];
    expect([p.name, p.section, p.functions]).toEqual(['prog', 'xdp', [{ name: 'prog', start: 0 }, { name: 'helper', start: 5 }]]);
    expect(p.code.insns[1]).toEqual({ kind: 'call-local', off: 3 }); // pc 2 → slot 6, the appended helper
    expect([...p.mapRefs]).toEqual([[0, { map: 0, kind: 'fd', offset: 0 }]]);
    expect(obj.sections!.map((s) => [s.name, s.symbols.map((y) => `${y.name}${y.func ? '()' : ''}`)])).toEqual([['.text', ['helper()']], ['xdp', ['prog()', 'LBB0_2']]]);
  });

  it('-d without relocations: a call -1 cannot be resolved', () => {
    const plain = LISTING.split('\n').filter((l) => !l.includes('R_BPF')).join('\n');
    expect(loadError(text(plain), 'p.txt').message).toMatch(/^p\.txt: instruction 2: call -1 is a relocation placeholder/);
  });

  it('-d without relocations: lddw 0 is a map of its own; a call to no function of its section goes to .text', () => {
    const listing = [
      'Disassembly of section .text:', '', '0000000000000000 <f0>:', '       0:\tb7 00 00 00 00 00 00 00\tr0 = 0', '       1:\t95 00 00 00 00 00 00 00\texit',
      '', '0000000000000010 <f1>:', '       2:\tb7 00 00 00 01 00 00 00\tr0 = 1', '       3:\t95 00 00 00 00 00 00 00\texit',
      '', 'Disassembly of section xdp:', '', '0000000000000000 <p>:', '       0:\t85 10 00 00 01 00 00 00\tcall 1',
      '       1:\t18 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00\tr1 = 0 ll', '       3:\t95 00 00 00 00 00 00 00\texit', '',
    ].join('\n');
    const obj = loadBytes(text(listing), 'p.txt');
    expect(obj.maps.map((m) => [m.name, m.type])).toEqual([['xdp:1', 'unspec']]);
    const p = obj.programs[0];
    expect(p.functions).toEqual([{ name: 'p', start: 0 }, { name: 'f1', start: 3 }]);
    expect(p.code.insns[0]).toEqual({ kind: 'call-local', off: 3 });
  });

  it('old llvm-objdump: lddw on two lines', () => {
    const two = 'Disassembly of section xdp:\n\n0000000000000000 <p>:\n       0:\t18 01 00 00 07 00 00 00 \tr1 = 7 ll\n       1:\t00 00 00 00 00 00 00 00 \n       2:\t95 00 00 00 00 00 00 00 \texit\n';
    const p = loadBytes(text(two), 'old.txt').programs[0];
    expect(p.code.insns).toEqual([{ kind: 'lddw', dst: 1, pseudo: 0, lo: 7, hi: 0 }, { kind: 'exit' }]);
  });

  it('a listing without instruction bytes, one that skips an instruction, an unknown relocation', () => {
    expect(loadError(text('Disassembly of section xdp:\n\n0000000000000000 <p>:\n       0:\tr0 = 2\n       1:\texit\n'), 'n.txt').why)
      .toBe('line 4: an instruction without its bytes (list with llvm-objdump -d, without --no-show-raw-insn)');
    expect(loadError(text(LISTING.replace('       4:\tb7', '       7:\tb7')), 's.txt').why).toMatch(/^line \d+: instruction 7 follows instruction 3/);
    const e = loadError(text(LISTING.replace('R_BPF_64_64\tcounts', 'R_BPF_64_ABS32\tcounts')), 'r.txt');
    expect([e.index, e.why]).toEqual([0, "unknown relocation type R_BPF_64_ABS32 against symbol 'counts' (section xdp)"]);
  });
});

/** What must agree between an ELF object and its listing: instructions (maps by name) and functions. */
function shape(obj: LoadedObject) {
  return obj.programs.map((p) => ({
    name: p.name, section: p.section, functions: p.functions,
    insns: p.code.insns.map((x, i) => (p.mapRefs.has(i) ? `map ${obj.maps[p.mapRefs.get(i)!.map].name}` : JSON.stringify(encodeInsn(x)))),
  }));
}

describe.skipIf(needs(toolMissing('clang'), toolMissing('llvm-objdump')))('listings of clang objects load as the objects do', () => {
  for (const name of C_PROGRAMS) {
    it(`${name}: llvm-objdump -dr`, () => {
      const elf = loadBytes(new Uint8Array(readFileSync(compiled(name))), `${name}.o`);
      const listing = loadBytes(text(llvmObjdump(['-dr'], compiled(name))), `${name}.txt`);
      const strip = (s: ReturnType<typeof shape>) => s.map((p) => ({ ...p, insns: p.insns.map((x) => x.replace(/^map .*/, 'map')) }));
      expect(strip(shape(listing))).toEqual(strip(shape(elf)));
    });
  }

  // the form hXDP's compiler read: no relocations, so every lddw 0 stands for a map of its own
  for (const name of C_PROGRAMS) {
    it(`${name}: llvm-objdump -S`, () => {
      const elf = loadBytes(new Uint8Array(readFileSync(compiled(name))), `${name}.o`);
      const src = text(llvmObjdump(['-S'], compiled(name)));
      const globalCall = elf.sections!.some((s) => s.relocs.some((r) => r.type === 'R_BPF_64_32' && r.symbol !== '.text'));
      const funcPointer = elf.programs.some((p) => p.code.insns.some((x) => x.kind === 'lddw' && x.pseudo === 4));
      if (globalCall) {
        expect(loadError(src, `${name}.txt`).why).toMatch(/^call -1 is a relocation placeholder/);
        return;
      }
      const strip = (s: ReturnType<typeof shape>) => s.map((p) => ({ ...p, insns: p.insns.map((x) => x.replace(/^map .*/, 'map')) }));
      const listing = loadBytes(src, `${name}.txt`);
      // a function address is an lddw 0 too, so it is taken as a map: only the entry functions agree
      const entry = (o: LoadedObject) => o.programs.map((p) => [p.name, p.functions.length > 1 ? p.functions[1].start : p.code.insns.length]);
      if (funcPointer) expect(entry(listing)).toEqual(entry(elf));
      else expect(strip(shape(listing))).toEqual(strip(shape(elf)));
    });
  }
});
