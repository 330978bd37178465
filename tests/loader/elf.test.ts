// The ELF loader on objects written by tests/loader/elf-builder.ts: relocations, linking order,
// global data, legacy maps, and every kind of broken object giving a LoadError (never a crash).
import { describe, expect, it } from 'vitest';
import { loadBytes, LoadError } from '../../compiler/loader/index.js';
import { buildElf, code, mapDef } from './elf-builder.js';

const EXIT = '9500000000000000';
const LDDW = (dst: number, imm = 0) => [`180${dst}0000${le32(imm)}`, '0000000000000000'];
const CALL_LOCAL = (imm: number) => `85100000${le32(imm)}`;
const MOV_R0 = (imm: number) => `b7000000${le32(imm)}`;
const HELPER = (id: number) => `85000000${le32(id)}`;
const STT = { OBJECT: 1, FUNC: 2, SECTION: 3 } as const;
const LOCAL = 0;
const RW = 3; // SHF_WRITE | SHF_ALLOC

function le32(n: number): string {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b.toString('hex');
}

/** The LoadError thrown by `f` (fails the test if it throws anything else or nothing). */
function loadError(f: () => unknown): LoadError {
  try {
    f();
  } catch (e) {
    if (e instanceof LoadError) return e;
    throw e;
  }
  throw new Error('expected a LoadError');
}

/** A valid object: one XDP program loading a legacy map and calling a helper. */
function legacyObject(relocType = 1): Uint8Array {
  return buildElf(
    [{ name: 'xdp', data: code('b701000000000000', ...LDDW(1), HELPER(1), EXIT) }, { name: 'maps', flags: RW, data: mapDef(1, 4, 8, 16) }],
    [{ name: 'prog', section: 0, size: 40 }, { name: 'm', section: 1, type: STT.OBJECT, size: 20 }],
    [{ section: 0, offset: 8, type: relocType, symbol: 1 }],
  );
}

describe('ELF objects', () => {
  it('a legacy map: definition, and its lddw rewritten as a map-index load with a MapRef', () => {
    const obj = loadBytes(legacyObject(), 'x.o');
    expect(obj.format).toBe('elf');
    expect(obj.maps).toEqual([{ name: 'm', type: 'hash', typeId: 1, keySize: 4, valueSize: 8, maxEntries: 16, flags: 0, section: 'maps' }]);
    const p = obj.programs[0];
    expect([p.name, p.section, p.code.insns.length, p.code.slots]).toEqual(['prog', 'xdp', 4, 5]);
    expect(p.code.insns[1]).toEqual({ kind: 'lddw', dst: 1, pseudo: 5, lo: 0, hi: 0 });
    expect([...p.mapRefs]).toEqual([[1, { map: 0, kind: 'fd', offset: 0 }]]);
  });

  it('subprograms are appended depth first (main, A, C, B) and call offsets point at the copies', () => {
    const obj = loadBytes(buildElf(
      [
        { name: '.text', data: code(CALL_LOCAL(3), EXIT, MOV_R0(2), EXIT, MOV_R0(3), EXIT) },
        { name: 'xdp', data: code(CALL_LOCAL(-1), CALL_LOCAL(-1), EXIT) },
      ],
      [
        { name: 'A', section: 0, value: 0, size: 16, bind: LOCAL },
        { name: 'B', section: 0, value: 16, size: 16 },
        { name: 'C', section: 0, value: 32, size: 16, bind: LOCAL },
        { name: 'main', section: 1, size: 24 },
        { name: '', section: 0, type: STT.SECTION, bind: LOCAL },
      ],
      [{ section: 1, offset: 0, type: 10, symbol: 4 }, { section: 1, offset: 8, type: 10, symbol: 1 }],
    ), 'calls.o');
    expect(obj.programs.map((p) => p.name)).toEqual(['main']);
    const p = obj.programs[0];
    expect(p.functions).toEqual([{ name: 'main', start: 0 }, { name: 'A', start: 3 }, { name: 'C', start: 5 }, { name: 'B', start: 7 }]);
    const target = (i: number) => {
      const x = p.code.insns[i];
      return x.kind === 'call-local' ? p.code.pcs[i] + x.off + 1 : -1;
    };
    expect([target(0), target(1), target(3)]).toEqual([3, 7, 5]);
    expect(p.code.insns[5]).toEqual({ kind: 'alu', op: 'mov', width: 64, dst: 0, src: { type: 'imm', value: 3 } });
  });

  it('global data: sections become array maps; offsets are symbol value plus imm', () => {
    const obj = loadBytes(buildElf(
      [
        { name: 'xdp', data: code(...LDDW(1, 4), ...LDDW(2), EXIT) },
        { name: '.rodata', flags: 2, data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) },
        { name: '.bss', type: 8, flags: RW, size: 16 },
      ],
      [{ name: 'prog', section: 0, size: 40 }, { name: '', section: 1, type: STT.SECTION, bind: LOCAL }, { name: 'x', section: 2, type: STT.OBJECT, value: 8, size: 8 }],
      [{ section: 0, offset: 0, type: 1, symbol: 1 }, { section: 0, offset: 16, type: 1, symbol: 2 }],
    ), 'g.o');
    expect(obj.maps.map((m) => [m.name, m.type, m.keySize, m.valueSize, m.maxEntries, m.flags, [...m.initial!].join('')]))
      .toEqual([['.rodata', 'array', 4, 8, 1, 0x480, '12345678'], ['.bss', 'array', 4, 16, 1, 0x400, '0'.repeat(16)]]);
    const p = obj.programs[0];
    expect([...p.mapRefs]).toEqual([[0, { map: 0, kind: 'value', offset: 4 }], [1, { map: 1, kind: 'value', offset: 8 }]]);
    expect(p.code.insns[1]).toEqual({ kind: 'lddw', dst: 2, pseudo: 6, lo: 1, hi: 8 });
  });

  it('several programs per section; local functions outside .text are not programs; license read', () => {
    const obj = loadBytes(buildElf(
      [{ name: 'xdp', data: code(MOV_R0(1), EXIT, MOV_R0(2), EXIT, MOV_R0(3), EXIT) }, { name: 'license', flags: RW, data: Uint8Array.from(Buffer.from('GPL\0')) }],
      [{ name: 'one', section: 0, value: 0, size: 16 }, { name: 'two', section: 0, value: 16, size: 16 }, { name: 'helper', section: 0, value: 32, size: 16, bind: LOCAL }],
    ), 'two.o');
    expect(obj.programs.map((p) => [p.name, p.code.insns.length])).toEqual([['one', 2], ['two', 2]]);
    expect(obj.license).toBe('GPL');
  });
});

describe('broken ELF objects give one LoadError naming the file and instruction', () => {
  it('an unknown relocation type', () => {
    const e = loadError(() => loadBytes(legacyObject(99), 'bad.o'));
    expect([e.file, e.index]).toEqual(['bad.o', 1]);
    expect(e.message).toBe("bad.o: instruction 1: unknown relocation type 99 (unknown) against symbol 'm' (section xdp)");
  });

  it('a map relocation on an instruction that is not lddw', () => {
    const elf = buildElf(
      [{ name: 'xdp', data: code(HELPER(1), EXIT) }, { name: 'maps', flags: RW, data: mapDef(2, 4, 4, 1) }],
      [{ name: 'prog', section: 0, size: 16 }, { name: 'm', section: 1, type: STT.OBJECT }],
      [{ section: 0, offset: 0, type: 1, symbol: 1 }],
    );
    expect(loadError(() => loadBytes(elf, 'x.o')).message).toMatch(/^x\.o: instruction 0: R_BPF_64_64 relocation on a call instruction, expected lddw/);
  });

  it('a relocation against an undefined (extern) symbol', () => {
    const elf = buildElf([{ name: 'xdp', data: code(...LDDW(1), EXIT) }], [{ name: 'prog', section: 0 }, { name: 'ext', section: 'undef', type: STT.OBJECT }],
      [{ section: 0, offset: 0, type: 1, symbol: 1 }]);
    const e = loadError(() => loadBytes(elf, 'x.o'));
    expect([e.index, e.why]).toEqual([0, "relocation against symbol 'ext': not defined in this object (extern variables, __ksym or __kconfig, are not supported)"]);
  });

  it('an invalid opcode', () => {
    const e = loadError(() => loadBytes(buildElf([{ name: 'xdp', data: code(MOV_R0(0), 'b700000000000000', 'ff00000000000000', EXIT) }], [{ name: 'p', section: 0 }]), 'x.o'));
    expect([e.index, e.why]).toEqual([2, 'unknown opcode 0xff (section xdp)']);
  });

  it('a call into the middle of a function', () => {
    const elf = buildElf(
      [{ name: '.text', data: code(MOV_R0(1), EXIT) }, { name: 'xdp', data: code(CALL_LOCAL(0), EXIT) }],
      [{ name: 'f', section: 0, size: 16, bind: LOCAL }, { name: 'p', section: 1, size: 16 }, { name: '', section: 0, type: STT.SECTION, bind: LOCAL }],
      [{ section: 1, offset: 0, type: 10, symbol: 2 }],
    );
    expect(loadError(() => loadBytes(elf, 'x.o')).message).toBe('x.o: instruction 0: call target: instruction 1 of section .text is not the start of a function');
  });

  it('not a BPF machine, not ELF64, big-endian', () => {
    const x86 = buildElf([{ name: 'xdp', data: code(EXIT) }], [], [], 62);
    expect(loadError(() => loadBytes(x86, 'x.o')).why).toBe('not a BPF object: ELF machine 62, expected 247 (EM_BPF)');
    const e32 = legacyObject();
    e32[4] = 1;
    expect(loadError(() => loadBytes(e32, 'x.o')).why).toMatch(/not a 64-bit ELF/);
    const be = legacyObject();
    be[5] = 2;
    expect(loadError(() => loadBytes(be, 'x.o')).why).toMatch(/big-endian/);
  });

  it('a section whose size runs past the end of the file', () => {
    const elf = legacyObject();
    const shoff = Number(Buffer.from(elf).readBigUInt64LE(0x28));
    Buffer.from(elf.buffer).writeBigUInt64LE(1n << 40n, shoff + 64 + 0x20); // section 1's size
    expect(loadError(() => loadBytes(elf, 'x.o')).why).toMatch(/^truncated ELF: section 1 .* extends past the end of the file/);
  });

  it('a .bss larger than the loader accepts (its size is not backed by the file)', () => {
    const elf = buildElf([{ name: 'xdp', data: code(EXIT) }, { name: '.bss', type: 8, flags: RW, size: 2 ** 40 }], [{ name: 'p', section: 0 }]);
    expect(loadError(() => loadBytes(elf, 'x.o')).why).toMatch(/^section \.bss is 1099511627776 bytes, more global data than/);
  });

  it('legacy map definitions that do not divide the section', () => {
    const elf = buildElf([{ name: 'xdp', data: code(EXIT) }, { name: 'maps', flags: RW, data: new Uint8Array(41) }],
      [{ name: 'p', section: 0 }, { name: 'a', section: 1, type: STT.OBJECT }, { name: 'b', section: 1, type: STT.OBJECT, value: 16 }]);
    expect(loadError(() => loadBytes(elf, 'x.o')).why).toBe('section maps: 41 bytes do not divide into 2 map definitions');
  });

  it('every truncation of a valid object is a LoadError, never a crash', () => {
    const elf = legacyObject();
    for (let n = 0; n < elf.length; n++) {
      const e = loadError(() => loadBytes(elf.subarray(0, n), 'cut.o'));
      expect(e.file).toBe('cut.o');
    }
  });
});

