// Loads and stores over the separate byte memories (packet frame, stack, each map's values), all
// little-endian, and the condition under which an access is in bounds. The caller (exec.ts)
// turns a failed condition into XDP_ABORTED (the core's packet guard) and handles ctx and spills.

import { bv64 } from './alu.js';
import { concatPieces, extractBits } from './pieces.js';
import { STACK_SIZE } from './state.js';
import type { Env, State } from './state.js';
import type { PtrVal } from './value.js';
import { addBV, concatBV, select, storeMem } from './symmem.js';
import type { SymMem } from './symmem.js';
import type { B, BV, Z3 } from './z3.js';

/** Where an access of n bytes lands: the memory, the index of each byte, and when it is legal. */
interface Place {
  readonly ok: B;
  readonly index: (i: number) => BV;
  readonly mem: (s: State) => SymMem;
  readonly put: (s: State, m: SymMem) => State;
}

/** A pointer's place for an n-byte access at ptr + off in state s; undefined for ctx and map handles. */
export function place(env: Env, s: State, p: PtrVal, off: number, n: number): Place | undefined {
  const Z = env.Z;
  const addr = addBV(Z, p.off, bv64(Z, off));
  const at = (i: number): BV => (i === 0 ? addr : addBV(Z, addr, bv64(Z, i)));
  /** the address as a signed number when it is a constant: its bounds are then decided here */
  const known = Z.isBitVecVal(addr) ? Number(BigInt.asIntN(64, addr.value())) : undefined;
  const r = p.region;
  switch (r.kind) {
    case 'packet':
      return {
        ok: Z.And(addr.uge(s.start), addr.ule(s.end), addBV(Z, addr, bv64(Z, n)).ule(s.end)),
        index: at, mem: (s) => s.pkt, put: (s, m) => ({ ...s, pkt: m }),
      };
    case 'stack':
      return {
        ok: known === undefined ? Z.And(addr.sge(bv64(Z, -STACK_SIZE)), addr.sle(bv64(Z, -n))) : Z.Bool.val(known >= -STACK_SIZE && known <= -n),
        index: at, mem: (s) => s.stack, put: (s, m) => ({ ...s, stack: m }),
      };
    case 'value': {
      const size = env.maps[r.map].valueSize;
      const key = p.key!;
      const inside = n > size ? Z.Bool.val(false) : known === undefined ? addr.ule(bv64(Z, size - n)) : Z.Bool.val(known >= 0 && known <= size - n);
      return {
        ok: p.nul ? Z.And(Z.Not(p.nul), inside) : inside,
        index: (i) => concatBV(Z, key, low16(Z, at(i))),
        mem: (s) => s.values[r.map],
        put: (s, m) => ({ ...s, values: s.values.map((v, i) => (i === r.map ? m : v)) }),
      };
    }
    case 'ctx':
    case 'map':
      return undefined;
  }
}

/** The low 16 bits of an offset (constant-folded). */
function low16(Z: Z3, x: BV): BV {
  const v = Z.isBitVecVal(x) ? x.value() : undefined;
  return v === undefined ? x.extract(15, 0) : Z.BitVec.val(v & 0xffffn, 16);
}

/** n bytes, little-endian, as an (8n)-bit vector. */
export function readBytes(Z: Z3, mem: SymMem, index: (i: number) => BV, n: number): BV {
  const bytes: BV[] = [];
  for (let i = n - 1; i >= 0; i--) bytes.push(select(Z, mem, index(i)));
  return concatPieces(Z, bytes);
}

/** Stores the low 8n bits of v, little-endian. */
export function writeBytes(mem: SymMem, index: (i: number) => BV, n: number, v: BV): SymMem {
  let m = mem;
  const Z = v.ctx;
  const c = Z.isBitVecVal(v) ? v.value() : undefined;
  for (let i = 0; i < n; i++) m = storeMem(m, index(i), c === undefined ? extractBits(Z, v, i * 8 + 7, i * 8) : Z.BitVec.val((c >> BigInt(8 * i)) & 0xffn, 8));
  return m;
}

export function load(Z: Z3, s: State, pl: Place, n: number): BV {
  return readBytes(Z, pl.mem(s), pl.index, n);
}

export function store(s: State, pl: Place, n: number, v: BV): State {
  return pl.put(s, writeBytes(pl.mem(s), pl.index, n, v));
}
