// defuse: registers read, written and clobbered and the memory touched, for every Insn kind; the
// helper argument counts checked against libbpf's bpf_helper_defs.h on this machine.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assemble, CALLER_SAVED, defuse, HELPER_ARG_COUNTS, HELPER_MEMORY, HELPER_NAMES, helperArgCount } from '../../isa/index.js';
import type { Insn, InsnKind } from '../../isa/index.js';
import { needs } from '../helpers/tools.js';

const k = (value: number) => ({ type: 'imm', value }) as const;
const r = (reg: number) => ({ type: 'reg', reg }) as const;
const one = (src: string): Insn => assemble(src)[0];

interface Case { insn: Insn; reads: number[]; writes: number[]; clobbers?: number[]; memReads?: unknown[]; memWrites?: unknown[] }

const CASES: Record<InsnKind, Case[]> = {
  alu: [
    { insn: one('add %r1, %r2'), reads: [1, 2], writes: [1] },
    { insn: one('add32 %r3, 5'), reads: [3], writes: [3] },
    { insn: one('mov %r4, %r5'), reads: [5], writes: [4] },
    { insn: one('mov %r4, 9'), reads: [], writes: [4] },
    { insn: one('movsx1664 %r1, %r2'), reads: [2], writes: [1] },
    { insn: one('neg %r6'), reads: [6], writes: [6] },
    { insn: one('xor %r7, %r7'), reads: [7], writes: [7] },
  ],
  alu3: [
    { insn: { kind: 'alu3', op: 'add', width: 64, dst: 1, a: 2, b: k(14) }, reads: [2], writes: [1] },
    { insn: { kind: 'alu3', op: 'sub', width: 32, dst: 1, a: 2, b: r(3) }, reads: [2, 3], writes: [1] },
  ],
  end: [{ insn: one('be16 %r3'), reads: [3], writes: [3] }],
  jmp: [
    { insn: one('jgt %r1, %r2, +3'), reads: [1, 2], writes: [] },
    { insn: one('jeq32 %r1, 7, +3'), reads: [1], writes: [] },
  ],
  ja: [{ insn: one('ja +2'), reads: [], writes: [] }],
  call: [
    // map_lookup_elem(map, key): reads r1-r2, the key through r2 and the map
    { insn: one('call 1'), reads: [1, 2], writes: [0], clobbers: [1, 2, 3, 4, 5],
      memReads: [{ region: 'pointer', base: 2, off: 0, size: 'map-key' }, { region: 'map' }], memWrites: [] },
    // ktime_get_ns(): no arguments, no memory
    { insn: one('call 5'), reads: [], writes: [0], clobbers: [1, 2, 3, 4, 5], memReads: [], memWrites: [] },
    // csum_diff(from, from_size, to, to_size, seed)
    { insn: one('call 28'), reads: [1, 2, 3, 4, 5], writes: [0], clobbers: [1, 2, 3, 4, 5],
      memReads: [{ region: 'pointer', base: 1, off: 0, size: { reg: 2 } }, { region: 'pointer', base: 3, off: 0, size: { reg: 4 } }], memWrites: [] },
    // xdp_adjust_head(ctx, delta): the packet changes
    { insn: one('call 44'), reads: [1, 2], writes: [0], clobbers: [1, 2, 3, 4, 5], memReads: [{ region: 'packet' }], memWrites: [{ region: 'packet' }] },
    // a helper without a memory entry (get_current_comm, 16): anything
    { insn: one('call 16'), reads: [1, 2], writes: [0], clobbers: [1, 2, 3, 4, 5], memReads: [{ region: 'any' }], memWrites: [{ region: 'any' }] },
    { insn: { kind: 'call', target: 'kfunc', id: 77 }, reads: [1, 2, 3, 4, 5], writes: [0], clobbers: [1, 2, 3, 4, 5], memReads: [{ region: 'any' }] },
  ],
  'call-local': [{ insn: { kind: 'call-local', off: 4 }, reads: [1, 2, 3, 4, 5], writes: [0], clobbers: [1, 2, 3, 4, 5], memWrites: [{ region: 'any' }] }],
  callx: [{ insn: one('call %r8'), reads: [1, 2, 3, 4, 5, 8], writes: [0], clobbers: [1, 2, 3, 4, 5] }],
  exit: [{ insn: one('exit'), reads: [0], writes: [] }],
  'exit-imm': [{ insn: { kind: 'exit-imm', action: 2 }, reads: [], writes: [0] }],
  jlen: [{ insn: { kind: 'jlen', len: 34, off: 3 }, reads: [], writes: [], memReads: [], memWrites: [] }],
  lddw: [{ insn: one('lddw %r3, 0x1122334455667788'), reads: [], writes: [3] }],
  ldx: [
    { insn: one('ldxw %r2, [%r1+4]'), reads: [1], writes: [2], memReads: [{ region: 'pointer', base: 1, off: 4, size: 4 }], memWrites: [] },
    { insn: one('ldxdw %r2, [%r10-8]'), reads: [10], writes: [2], memReads: [{ region: 'stack', off: -8, size: 8 }] },
  ],
  ldx6: [{ insn: { kind: 'ldx6', dst: 3, src: 4, off: 6 }, reads: [4], writes: [3], memReads: [{ region: 'pointer', base: 4, off: 6, size: 6 }] }],
  st: [{ insn: one('stb [%r10-1], 0x80'), reads: [10], writes: [], memWrites: [{ region: 'stack', off: -1, size: 1 }], memReads: [] }],
  stx: [{ insn: one('stxh [%r3+2], %r4'), reads: [3, 4], writes: [], memWrites: [{ region: 'pointer', base: 3, off: 2, size: 2 }] }],
  stx6: [{ insn: { kind: 'stx6', dst: 10, src: 2, off: -6 }, reads: [2, 10], writes: [], memWrites: [{ region: 'stack', off: -6, size: 6 }] }],
  atomic: [
    { insn: one('lock add [%r1+8], %r2'), reads: [1, 2], writes: [],
      memReads: [{ region: 'pointer', base: 1, off: 8, size: 8 }], memWrites: [{ region: 'pointer', base: 1, off: 8, size: 8 }] },
    { insn: one('lock fetch add32 [%r10-4], %r2'), reads: [2, 10], writes: [2], memWrites: [{ region: 'stack', off: -4, size: 4 }] },
    { insn: one('lock xchg [%r1+0], %r3'), reads: [1, 3], writes: [3] },
    { insn: one('lock cmpxchg [%r1+0], %r3'), reads: [0, 1, 3], writes: [0] },
  ],
  'ld-abs': [{ insn: one('ldabsh 12'), reads: [6], writes: [0], clobbers: [1, 2, 3, 4, 5], memReads: [{ region: 'packet', off: 12, size: 2 }] }],
  'ld-ind': [{ insn: one('ldindb %r3, 14'), reads: [3, 6], writes: [0], clobbers: [1, 2, 3, 4, 5], memReads: [{ region: 'packet', off: 14, size: 1, index: 3 }] }],
};

describe('defuse, for every instruction kind', () => {
  for (const [kind, cases] of Object.entries(CASES)) {
    for (const c of cases) {
      it(`${kind}: ${JSON.stringify(c.insn)}`, () => {
        expect(c.insn.kind).toBe(kind);
        const d = defuse(c.insn);
        expect(d.reads).toEqual(c.reads);
        expect(d.writes).toEqual(c.writes);
        expect(d.clobbers).toEqual(c.clobbers ?? []);
        if (c.memReads) expect(d.memReads).toEqual(c.memReads);
        if (c.memWrites) expect(d.memWrites).toEqual(c.memWrites);
      });
    }
  }
  it('registers are sorted and without repeats; calls clobber exactly r1-r5', () => {
    for (const c of Object.values(CASES).flat()) {
      const d = defuse(c.insn);
      for (const list of [d.reads, d.writes, d.clobbers]) expect([...list]).toEqual([...new Set(list)].sort((a, b) => a - b));
    }
    expect(CALLER_SAVED).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('helper argument counts and memory effects', () => {
  it('every named helper has a count from 0 to 5; unknown ids read all five', () => {
    for (const id of Object.keys(HELPER_NAMES).map(Number)) expect(helperArgCount(id), String(id)).toBeGreaterThanOrEqual(0);
    expect(HELPER_ARG_COUNTS.length).toBe(Math.max(...Object.keys(HELPER_NAMES).map(Number)) + 1);
    expect(HELPER_ARG_COUNTS.every((n) => Number.isInteger(n) && n >= 0 && n <= 5)).toBe(true);
    expect(helperArgCount(100000)).toBe(5);
  });
  const defs = '/usr/include/bpf/bpf_helper_defs.h';
  it.skipIf(needs(existsSync(defs) ? undefined : `${defs} is missing (libbpf-dev: npm run tools)`))('match the prototypes of libbpf\'s bpf_helper_defs.h', () => {
    const text = readFileSync(defs, 'utf8');
    const protos = [...text.matchAll(/^static [^;]*?\(\*bpf_(\w+)\)\(([^)]*)\) = \(void \*\) (\d+);/gms)];
    expect(protos.length).toBeGreaterThan(200);
    for (const [, name, params, id] of protos) {
      const p = params.trim();
      const n = p === 'void' ? 0 : p.includes('...') ? 5 : p.split(',').length;
      expect([Number(id), name, helperArgCount(Number(id))]).toEqual([Number(id), HELPER_NAMES[Number(id)], n]);
    }
  });
  it('memory effects name real helpers and point only at their arguments', () => {
    const byName = new Map(Object.entries(HELPER_NAMES).map(([id, n]) => [n, Number(id)]));
    for (const [name, mem] of Object.entries(HELPER_MEMORY)) {
      const id = byName.get(name);
      expect(id, name).toBeDefined();
      const argc = helperArgCount(id!);
      for (const a of [...mem.reads, ...mem.writes]) {
        expect(a.reg, name).toBeLessThanOrEqual(argc);
        if (typeof a.size === 'object') expect(a.size.reg, name).toBeLessThanOrEqual(argc);
      }
    }
  });
});
