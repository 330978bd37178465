// Replacing the bytes of one section in a copy of an ELF64 little-endian object. The oracle uses
// it for `.rodata*`, which libbpf freezes at load, so a fixture must reach it before loading.

import { FixtureError } from '../maps/fixture.js';

const SHT_NOBITS = 8;

interface Section {
  name: string;
  type: number;
  offset: number;
  size: number;
}

function sections(elf: Uint8Array, where: string): Section[] {
  const v = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const isElf64Le = elf.length >= 64 && v.getUint32(0) === 0x7f454c46 && elf[4] === 2 && elf[5] === 1;
  if (!isElf64Le) throw new FixtureError(where, 'the object is not a 64-bit little-endian ELF file');
  const shoff = Number(v.getBigUint64(0x28, true));
  const shentsize = v.getUint16(0x3a, true);
  const shnum = v.getUint16(0x3c, true);
  const shstrndx = v.getUint16(0x3e, true);
  if (shoff + shnum * shentsize > elf.length || shstrndx >= shnum) throw new FixtureError(where, 'the ELF section table is truncated');
  const raw = Array.from({ length: shnum }, (_, i) => {
    const at = shoff + i * shentsize;
    return {
      nameOff: v.getUint32(at, true),
      type: v.getUint32(at + 4, true),
      offset: Number(v.getBigUint64(at + 0x18, true)),
      size: Number(v.getBigUint64(at + 0x20, true)),
    };
  });
  const strtab = raw[shstrndx];
  const nameAt = (off: number) => {
    let end = strtab.offset + off;
    while (end < elf.length && elf[end] !== 0) end++;
    return new TextDecoder().decode(elf.subarray(strtab.offset + off, end));
  };
  return raw.map((s) => ({ name: nameAt(s.nameOff), type: s.type, offset: s.offset, size: s.size }));
}

/** A copy of `elf` with section `name`'s contents replaced by `value` (same size). */
export function patchSection(elf: Uint8Array, name: string, value: Uint8Array, where: string): Uint8Array {
  const s = sections(elf, where).find((x) => x.name === name);
  if (!s) throw new FixtureError(where, `the object has no section ${name}`);
  if (s.type === SHT_NOBITS) throw new FixtureError(where, `section ${name} has no contents in the file`);
  if (s.size !== value.length) throw new FixtureError(where, `value is ${value.length} bytes, section ${name} is ${s.size}`);
  if (s.offset + s.size > elf.length) throw new FixtureError(where, `section ${name} runs past the end of the file`);
  const out = elf.slice();
  out.set(value, s.offset);
  return out;
}
