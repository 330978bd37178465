// The ROM image and listing of compiler/emit/rom.ts on scheduled corpus programs: one line a row,
// lane 3 leftmost, every jump's offset relocated to rows, hXDP's format refusing what its core
// does not decode, and a listing that names each syllable's source instruction.

import { describe, expect, it } from 'vitest';
import { FUSED_NULL_TEST_OPCODE, MEMORY_ADD_MODE, romHex, RomError, romListing } from '../../compiler/emit/rom.js';
import { scheduleObject } from '../../compiler/schedule/index.js';
import { Cls, decodeSlot, encodeInsn, HXDP, readSlot } from '../../isa/index.js';
import type { CoreConfig } from '../../isa/index.js';
import { loadProgram } from '../differential/engines.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';

function syllableAt(line: string, lane: number, lanes: number): Uint8Array {
  const word = line.slice((lanes - 1 - lane) * 16, (lanes - lane) * 16);
  const bytes = new Uint8Array(8);
  for (let i = 0; i < 8; i++) bytes[i] = parseInt(word.slice(14 - 2 * i, 16 - 2 * i), 16);
  return bytes;
}

describe('ROM image', () => {
  const c = loadProgram(PROGRAMS_DIR, 'xdp1');
  const { program: p } = scheduleObject(c.obj, c.obj.programs[0].name, { core: HXDP, lanes: 4, strategy: 'list' });

  it('has one line a row of 4 × 16 hex digits, each syllable decoding to its instruction, jumps relocated to rows', () => {
    const lines = romHex(p).trimEnd().split('\n');
    expect(lines.length).toBe(p.rows.length);
    let jumps = 0;
    p.rows.forEach((row, r) => {
      expect(lines[r]).toMatch(/^[0-9a-f]{64}$/);
      row.forEach((s, lane) => {
        const bytes = syllableAt(lines[r], lane, 4);
        if (!s) return expect([...bytes].every((b) => b === 0)).toBe(true);
        if (s.insn.kind === 'lddw') return expect(bytes[0]).toBe(0x18);
        const insn = decodeSlot(readSlot(bytes, 0), 0);
        expect(insn.kind).toBe(s.insn.kind);
        if (s.target !== undefined && (insn.kind === 'jmp' || insn.kind === 'ja')) {
          expect(r + 1 + insn.off).toBe(s.target);
          jumps++;
        }
      });
    });
    expect(jumps).toBeGreaterThan(5);
  });

  it('in hXDP format refuses what hXDP cannot decode, naming row and lane', () => {
    const l4 = loadProgram(PROGRAMS_DIR, 'l4lb');
    const { program } = scheduleObject(l4.obj, l4.obj.programs[0].name, { core: HXDP, lanes: 4, strategy: 'list' });
    expect(() => romHex(program, 'hxdp')).toThrow(RomError);
    expect(() => romHex(program, 'hxdp')).toThrow(/^row \d+ lane \d: /);
  });

  it('encodes the core extensions\' syllables (memory add, fused null test, non-faulting load) and hXDP\'s format refuses them', () => {
    const ext: CoreConfig = { ...HXDP, name: 'ext', forwarding: 'crossbar', extensions: { fusedCallNullTest: true, memoryAdd: true, speculativeLoads: true } };
    const rx = loadProgram(PROGRAMS_DIR, 'rxq_info');
    const { program } = scheduleObject(rx.obj, rx.obj.programs[0].name, { core: ext, lanes: 4, strategy: 'motion' });
    const lines = romHex(program).trimEnd().split('\n');
    const seen = { memoryAdd: 0, fused: 0, speculative: 0 };
    program.rows.forEach((row, r) => row.forEach((s, lane) => {
      if (!s) return;
      const raw = readSlot(syllableAt(lines[r], lane, 4), 0);
      if (s.memoryAdd) {
        seen.memoryAdd++;
        const load = s.insn as Extract<typeof s.insn, { kind: 'ldx' }>, add = s.memoryAdd.add as Extract<typeof s.insn, { kind: 'alu' }>;
        expect(raw.opcode & 0x07).toBe(Cls.STX);
        const mode = raw.opcode & 0xe0;
        expect(mode).toBe(add.src.type === 'reg' ? MEMORY_ADD_MODE.reg : add.width === 32 ? MEMORY_ADD_MODE.imm32 : MEMORY_ADD_MODE.imm64);
        expect([raw.dst, raw.src, raw.off]).toEqual([load.src, load.dst, load.off]);
        expect(raw.imm).toBe(add.src.type === 'reg' ? add.src.reg | (add.width === 32 ? 256 : 0) : add.src.value);
        expect(() => decodeSlot(raw, 0)).toThrow(); // no RFC 9669 instruction
      } else if (s.fusedNullTest) {
        seen.fused++;
        expect(raw.opcode).toBe(FUSED_NULL_TEST_OPCODE);
        expect(raw.src).toBe(s.insn.kind === 'jmp' && s.insn.cond === 'jeq' ? 1 : 5);
        expect(r + 1 + raw.off).toBe(s.target);
        expect(() => decodeSlot(raw, 0)).toThrow();
      } else if (s.speculative) {
        seen.speculative++;
        expect({ ...raw, imm: 0 }).toEqual(encodeInsn(s.insn)[0]);
        expect(raw.imm).toBe(1);
      }
    }));
    expect(Object.values(seen).every((n) => n > 0), JSON.stringify(seen)).toBe(true);
    expect(() => romHex(program, 'hxdp')).toThrow(/^row \d+ lane \d: hXDP's core does not decode the (memoryAdd|fusedCallNullTest|speculativeLoads) extension/);
    expect(romListing(program)).toMatch(/\(memory add\)/);
  });

  it('lists rows × lanes with each syllable\'s source instruction and line', () => {
    const text = romListing(p);
    expect(text).toContain(`${p.rows.length} rows × 4 lanes`);
    expect(text).toMatch(/row 0:\n {2}lane 0: .* ; insn \d+ +\S+\.h:\d+/);
    expect(text).toMatch(/goto row \d+/);
  });
});
