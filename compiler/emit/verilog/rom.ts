// The RTL core's ROM: each syllable of a RowProgram pre-decoded into the fields xdp2hw_core.v
// reads (hdl-templates/xdp2hw_core.v draws them), one row a line of $readmemh hex, lane 0 in the
// low bits. Registers read and written come from isa's defuse, the one source the TypeScript
// core's timing tables read too. What the RTL cannot run is refused with row, lane and why.

import { defuse, helperName, offloadOf } from '../../../isa/index.js';
import type { CoreConfig, Insn, RowProgram, Syllable } from '../../../isa/index.js';
import type { MapLayout } from './maps.js';

/** A syllable or program the RTL does not run (issue 15 adds hash/LRU/LPM maps and more helpers). */
export class RtlRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RtlRefusal';
  }
}

/** Bits of one ROM syllable (xdp2hw_core.v parameter SW). */
export const SYLLABLE_BITS = 160;

const CLS = { alu: 0, jmp: 1, ja: 2, jlen: 3, ldx: 4, st: 5, stx: 6, call: 7, exit: 8, exitImm: 9, atomic: 10, memoryAdd: 11 } as const;
/** An atomic's operation in the op field (xdp2hw_core.v); its fetch flag rides in the sx bit. */
const ATOMIC_CODE: Record<string, number> = { add: 0, or: 4, and: 5, xor: 10, xchg: 14, cmpxchg: 15 };
const ALU_CODE: Record<string, number> = {
  add: 0, sub: 1, mul: 2, div: 3, sdiv: 3, or: 4, and: 5, lsh: 6, rsh: 7, neg: 8, mod: 9, smod: 9, xor: 10, mov: 11, movsx: 11, arsh: 12,
};
/** The RTL divider's latency (xdp2hw_div.v: operands registered, 64 stages, the result written): latency.div must be this. */
export const RTL_DIV_CYCLES = 66;
const JMP_CODE: Record<string, number> = { jeq: 1, jgt: 2, jge: 3, jset: 4, jne: 5, jsgt: 6, jsge: 7, jlt: 10, jle: 11, jslt: 12, jsle: 13 };
const BITS_CODE: Record<number, number> = { 8: 0, 16: 1, 32: 2, 64: 3 };
/** Helpers the RTL helper unit answers, by id (update and delete: on hash maps, the hash unit's). */
export const RTL_HELPERS: Readonly<Record<number, string>> = {
  1: 'bpf_map_lookup_elem', 2: 'bpf_map_update_elem', 3: 'bpf_map_delete_elem', 5: 'bpf_ktime_get_ns', 7: 'bpf_get_prandom_u32', 8: 'bpf_get_smp_processor_id', 12: 'bpf_tail_call', 23: 'bpf_redirect', 25: 'bpf_perf_event_output',
  28: 'bpf_csum_diff', 44: 'bpf_xdp_adjust_head', 51: 'bpf_redirect_map', 54: 'bpf_xdp_adjust_meta', 65: 'bpf_xdp_adjust_tail',
};

/**
 * What the packet helpers (xdp2hw_helpers.v) need of the core and the program, as one line, or
 * undefined: the data engine moves 8 bytes a cycle (isa's helperDataCycles charges
 * packetPortBytes a cycle), csum_diff's result is written in the last cycle of the call's stall
 * (helperCall at least 1), and a head move with metadata in front would copy it (no copy engine).
 */
export function helperProblem(p: RowProgram, core: CoreConfig): string | undefined {
  const ids = new Set<number>();
  for (const row of p.rows) for (const s of row) if (s?.insn.kind === 'call' && s.insn.target === 'helper') ids.add(s.insn.id);
  const data = [25, 28, 65].filter((id) => ids.has(id));
  if (data.length && core.packetPortBytes !== 8)
    return `${data.map((id) => RTL_HELPERS[id]).join(' and ')}: the RTL data engine moves 8 bytes a cycle, the core's packetPortBytes is ${core.packetPortBytes}`;
  if (ids.has(28) && core.latency.helperCall < 1)
    return `bpf_csum_diff: the RTL writes its result in the call's last stall cycle, which needs latency.helperCall of at least 1 (the core has ${core.latency.helperCall})`;
  if (ids.has(44) && ids.has(54))
    return 'bpf_xdp_adjust_head with bpf_xdp_adjust_meta: a head move would copy the metadata, and the RTL helper unit has no copy engine';
  return undefined;
}

/** bpf_fib_lookup: refused by name (no route table in hardware). */
const HELPER_FIB_LOOKUP = 69;

/** Pointer tags (high word) and the offset base, as xdp2hw_core.v and xdp2hw_top.v define them. */
export const TAG = { ctx: 0xff000000n, packet: 0xff000001n, stack: 0xff000002n, mapValue: 0xff000003n, mapHandle: 0xff000100n } as const;
export const OFF_BASE = 0x40000000n;

interface Fields {
  cls: number; op?: number; w32?: boolean; dst?: number; ra?: number; rb?: number; bImm?: boolean; bytes?: number;
  sx?: boolean; bits?: number; early?: boolean; off?: number; target?: number; imm?: bigint; mul?: boolean;
}

const M64 = (1n << 64n) - 1n;
const sext32 = (v: number): bigint => BigInt.asUintN(64, BigInt(v | 0));

function fields(s: Syllable, where: string, lane: number, core: CoreConfig, maps: Pick<MapLayout, 'maps' | 'bytes'>): Fields {
  const insn: Insn = s.insn;
  const b = (op: { type: 'reg'; reg: number } | { type: 'imm'; value: number }) =>
    op.type === 'reg' ? { rb: op.reg } : { bImm: true, imm: sext32(op.value) };
  switch (insn.kind) {
    case 'alu': case 'alu3': {
      if (!(insn.op in ALU_CODE)) throw new RtlRefusal(`${where}: ${insn.op} is not in the RTL core`);
      const divides = insn.op === 'div' || insn.op === 'sdiv' || insn.op === 'mod' || insn.op === 'smod';
      if (divides && core.latency.div !== RTL_DIV_CYCLES)
        throw new RtlRefusal(`${where}: ${insn.op}: the RTL divider takes ${RTL_DIV_CYCLES} cycles, the core's latency.div is ${core.latency.div}`);
      const ra = insn.kind === 'alu' ? insn.dst : insn.a;
      const src = insn.kind === 'alu' ? insn.src : insn.b;
      const ext = insn.kind === 'alu' && insn.op === 'movsx' ? BITS_CODE[insn.extBits ?? 32] : 0;
      return { cls: CLS.alu, op: ALU_CODE[insn.op], w32: insn.width === 32, dst: insn.dst, ra, ...b(src), sx: insn.op === 'movsx' || insn.op === 'sdiv' || insn.op === 'smod', bits: ext, mul: insn.op === 'mul' };
    }
    case 'end':
      return { cls: CLS.alu, op: 13, dst: insn.dst, ra: insn.dst, sx: insn.order !== 'le', bits: BITS_CODE[insn.bits] };
    case 'jmp':
      return { cls: CLS.jmp, op: JMP_CODE[insn.cond], w32: insn.width === 32, ra: insn.dst, ...b(insn.src), target: s.target };
    case 'ja':
      return { cls: CLS.ja, target: s.target };
    case 'jlen':
      return { cls: CLS.jlen, imm: BigInt(insn.len), target: s.target };
    case 'ldx':
      return { cls: CLS.ldx, dst: insn.dst, ra: insn.src, bytes: insn.size, sx: insn.signed, off: insn.off };
    case 'ldx6':
      return { cls: CLS.ldx, dst: insn.dst, ra: insn.src, bytes: 6, off: insn.off };
    case 'st':
      return { cls: CLS.st, ra: insn.dst, bytes: insn.size, off: insn.off, imm: sext32(insn.imm) };
    case 'stx':
      return { cls: CLS.stx, ra: insn.dst, rb: insn.src, bytes: insn.size, off: insn.off };
    case 'stx6':
      return { cls: CLS.stx, ra: insn.dst, rb: insn.src, bytes: 6, off: insn.off };
    case 'call':
      if (insn.target !== 'helper') throw new RtlRefusal(`${where}: a kfunc call (BTF id ${insn.id}) is not in the RTL helper unit`);
      if (insn.id === HELPER_FIB_LOOKUP)
        throw new RtlRefusal(`${where}: helper bpf_fib_lookup (${insn.id}): the RTL holds no route table (a fixture's routes are the TypeScript machine's only); run it on the interpreter or the TypeScript core`);
      // the core's offload list (what `check` fits programs to) first, then what the RTL's units answer
      if (!offloadOf(core).helpers.includes(insn.id))
        throw new RtlRefusal(`${where}: helper ${helperName(insn.id)} (${insn.id}) is not offered by core ${core.name} (its offload.helpers)`);
      if (!(insn.id in RTL_HELPERS))
        throw new RtlRefusal(`${where}: helper ${helperName(insn.id)} (${insn.id}) is not in the RTL helper unit (it has ${Object.values(RTL_HELPERS).join(', ')})`);
      // a lookup on a devmap or cpumap reads the key, then the slot: two cycles
      if (insn.id === 1 && core.latency.helperCall < 1 && maps.maps.some((m) => m.type === 'devmap' || m.type === 'cpumap'))
        throw new RtlRefusal(`${where}: bpf_map_lookup_elem with a devmap or cpumap in the object: the RTL reads the key, then the slot, which needs latency.helperCall >= 1 (core ${core.name} has ${core.latency.helperCall})`);
      return { cls: CLS.call, imm: BigInt(insn.id) };
    case 'exit':
      return { cls: CLS.exit };
    case 'exit-imm':
      return { cls: CLS.exitImm, imm: BigInt(insn.action >>> 0), dst: 0, early: core.laneCaps[lane]?.earlyExit ?? false };
    case 'lddw': {
      const ref = s.mapRef;
      if (ref) {
        const m = maps.maps[ref.map];
        if (!m) throw new RtlRefusal(`${where}: lddw of map ${ref.map}, which the object does not have`);
        const imm = ref.kind === 'fd'
          ? ((TAG.mapHandle | BigInt(ref.map)) << 32n) | OFF_BASE
          : (TAG.mapValue << 32n) | (OFF_BASE + BigInt(m.base + ref.offset));
        return { cls: CLS.alu, op: ALU_CODE.mov, dst: insn.dst, bImm: true, imm };
      }
      if (insn.pseudo !== 0) throw new RtlRefusal(`${where}: lddw with pseudo source ${insn.pseudo} is not in the RTL core`);
      return { cls: CLS.alu, op: ALU_CODE.mov, dst: insn.dst, bImm: true, imm: (BigInt(insn.hi >>> 0) << 32n) | BigInt(insn.lo >>> 0) };
    }
    case 'atomic':
      return { cls: CLS.atomic, op: ATOMIC_CODE[insn.op], w32: insn.size === 4, ra: insn.dst, rb: insn.src, bytes: insn.size, off: insn.off, sx: insn.fetch };
    case 'ld-abs': case 'ld-ind': case 'call-local': case 'callx':
      throw new RtlRefusal(`${where}: ${insn.kind} is not in the RTL core`);
  }
}

/** The SYLLABLE_BITS-bit word of a syllable (0 for an empty lane). */
export function syllableWord(s: Syllable | undefined, row: number, lane: number, core: CoreConfig, maps: Pick<MapLayout, 'maps' | 'bytes'>): bigint {
  if (!s) return 0n;
  const where = `row ${row} lane ${lane} (pc ${s.source.pc ?? '?'})`;
  const f = s.memoryAdd ? memoryAddFields(s, where) : fields(s, where, lane, core, maps);
  // the row executor checks that a call sits in a lower lane (simulator/vliw); here only the shape
  if (s.fusedNullTest && (s.insn.kind !== 'jmp' || s.insn.dst !== 0 || s.insn.src.type !== 'imm' || lane === 0))
    throw new RtlRefusal(`${where}: a fused null test must be a jump on r0 against an immediate, above lane 0`);
  const du = defuse(s.insn);
  let reads = 0;
  for (const r of du.reads) reads |= 1 << r;
  // a memory add also reads its add's operand (not its own loaded register): isa/timing.ts's rule
  if (s.memoryAdd) for (const r of defuse(s.memoryAdd.add).reads) if (!du.writes.includes(r)) reads |= 1 << r;
  const writes = du.writes.length > 0;
  if (du.writes.length > 1) throw new RtlRefusal(`${where}: a syllable writing ${du.writes.length} registers is not in the RTL core`);
  const dst = writes ? du.writes[0] : f.dst ?? 0;
  const target = f.target ?? 0;
  if (target > 0xffff) throw new RtlRefusal(`${where}: jump target row ${target} is past the ROM's 16-bit row field`);
  let w = 1n;
  w |= BigInt(f.cls) << 1n;
  w |= BigInt(f.op ?? 0) << 5n;
  w |= (f.w32 ? 1n : 0n) << 9n;
  w |= BigInt(dst) << 10n;
  w |= BigInt(f.ra ?? 0) << 14n;
  w |= BigInt(f.rb ?? 0) << 18n;
  w |= (f.bImm ? 1n : 0n) << 22n;
  w |= BigInt(f.bytes ?? 8) << 23n;
  w |= (f.sx ? 1n : 0n) << 27n;
  w |= BigInt(f.bits ?? 0) << 28n;
  w |= (f.early ? 1n : 0n) << 30n;
  w |= (writes ? 1n : 0n) << 31n;
  w |= BigInt((f.off ?? 0) & 0xffff) << 32n;
  w |= BigInt(target) << 48n;
  w |= ((f.imm ?? 0n) & M64) << 64n;
  w |= BigInt(reads) << 128n;
  w |= (f.mul ? 1n : 0n) << 144n;
  w |= (s.speculative ? 1n : 0n) << 145n;
  w |= (s.fusedNullTest ? 1n : 0n) << 146n;
  return w;
}

/**
 * The memory-add syllable (class 11): rX = load of `bytes` at ra + off, rX += b (w32: a 32-bit add,
 * zero-extended), the sum stored back; b is rb, the immediate, or (rb = dst) the loaded value.
 */
function memoryAddFields(s: Syllable, where: string): Fields {
  const load = s.insn, { add, store } = s.memoryAdd!;
  if (load.kind !== 'ldx' || load.signed || add.kind !== 'alu' || add.op !== 'add' || add.dst !== load.dst || store.kind !== 'stx' || store.dst !== load.src || store.src !== load.dst || store.off !== load.off || store.size !== load.size)
    throw new RtlRefusal(`${where}: a memory add must be an unsigned ldx rX, an add to rX and an stx of rX to the load's address`);
  const b = add.src.type === 'reg' ? { rb: add.src.reg } : { bImm: true, imm: sext32(add.src.value) };
  return { cls: CLS.memoryAdd, op: ALU_CODE.add, w32: add.width === 32, dst: load.dst, ra: load.src, ...b, bytes: load.size, off: load.off };
}

/** The ROM image: one row a line, LANES × SYLLABLE_BITS bits in hex, lane 0 lowest. */
export function rtlRom(p: RowProgram, core: CoreConfig, maps: Pick<MapLayout, 'maps' | 'bytes'>): string {
  const digits = (p.lanes * SYLLABLE_BITS) / 4;
  return p.rows.map((row, r) => {
    let word = 0n;
    for (let lane = p.lanes - 1; lane >= 0; lane--) word = (word << BigInt(SYLLABLE_BITS)) | syllableWord(row[lane], r, lane, core, maps);
    return `${word.toString(16).padStart(digits, '0')}\n`;
  }).join('');
}
