// BTF line info (.BTF.ext): read from clang's objects into Program.lines; a corrupt section is a
// LoadError naming what is wrong, never a crash or an out-of-range read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Btf } from '../../compiler/loader/btf.js';
import { parseLineInfo } from '../../compiler/loader/btf-ext.js';
import { parseElf } from '../../compiler/loader/elf.js';
import { loadBytes, LoadError } from '../../compiler/loader/index.js';
import { ROOT } from '../helpers/paths.js';

const file = join(ROOT, 'programs/xdp1/xdp1.o');
const bytes = new Uint8Array(readFileSync(file));
const elf = parseElf(bytes);
const section = (name: string) => elf.sections.find((s) => s.name === name)!;
const ext = section('.BTF.ext');
const btf = Btf.parse(section('.BTF').data);
/** file offset of the .BTF.ext section's data */
const extAt = ext.data.byteOffset - bytes.byteOffset;

/** xdp1.o with the u32 at `off` of .BTF.ext's line info (after its header) set to `value`. */
function corrupt(off: number, value: number): Uint8Array {
  const copy = bytes.slice();
  const v = new DataView(copy.buffer);
  const lineInfo = extAt + v.getUint32(extAt + 4, true) + v.getUint32(extAt + 16, true);
  v.setUint32(lineInfo + off, value, true);
  return copy;
}

describe('.BTF.ext line info', () => {
  it('gives the xdp section its line starts, in slot order as clang wrote them', () => {
    const lines = parseLineInfo(ext.data, btf).get('xdp')!;
    expect(lines.length).toBeGreaterThan(20);
    expect(lines[0]).toMatchObject({ slot: 0, line: { file: './common/parse.h', line: 28 } });
    const slots = lines.map((l) => l.slot);
    expect(slots).toEqual([...slots].sort((a, b) => a - b));
  });
  it('refuses a record size too small to hold a record', () => {
    expect(() => loadBytes(corrupt(0, 8), 'x.o')).toThrow(/line info record size 8 is smaller than 16/);
  });
  it('refuses a record count that runs past the section', () => {
    expect(() => loadBytes(corrupt(8, 0x100000), 'x.o')).toThrow(/0x100000|1048576 records run past the line info/);
  });
  it('refuses an instruction offset that is not an instruction', () => {
    try {
      loadBytes(corrupt(12, 4), 'x.o');
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(LoadError);
      expect((e as Error).message).toBe('x.o: .BTF.ext line info for xdp: instruction offset 4 is not a multiple of 8');
    }
    expect(() => loadBytes(corrupt(12, 8 * 100000), 'x.o')).toThrow(/slot 100000 is not the start of an instruction/);
  });
});
