// Atomic read-modify-write instructions (RFC 9669 §5.3): add/or/and/xor with optional fetch of
// the old value into src, xchg, and cmpxchg (compares with r0, old value into r0). 32-bit forms
// act on the low word and zero-extend what they fetch.

import type { AtomicInsn } from '../../isa/index.js';
import type { Handler } from './alu.js';
import type { Machine } from './state.js';
import { readLE, writeLE } from './memory.js';

/** The new value [hi, lo] of memory (oh:ol) combined with the operand (vh:vl). */
function combine(op: AtomicInsn['op'], oh: number, ol: number, vh: number, vl: number): [number, number] {
  switch (op) {
    case 'add': {
      const x = (ol >>> 0) + (vl >>> 0);
      return [(oh + vh + (x > 0xffffffff ? 1 : 0)) | 0, x | 0];
    }
    case 'or': return [oh | vh, ol | vl];
    case 'and': return [oh & vh, ol & vl];
    case 'xor': return [oh ^ vh, ol ^ vl];
    case 'xchg': return [vh, vl];
    case 'cmpxchg': return [vh, vl];
  }
}

export function atomicHandler(m: Machine, insn: AtomicInsn, pc: number, n: number): Handler {
  const { op, fetch, size, dst, src, off } = insn;
  const { L, H } = m;
  const wide = size === 8;
  return () => {
    const i = m.mem.resolve(H[dst], L[dst], off, size, true);
    if (i < 0) return m.faulted(pc);
    const b = m.mem.region.buf;
    const ol = readLE(b, i, 4), oh = wide ? readLE(b, i + 4, 4) : 0;
    const vl = L[src], vh = wide ? H[src] : 0;
    if (op === 'cmpxchg') {
      const equal = ol === L[0] && (!wide || oh === H[0]);
      if (equal) {
        writeLE(b, i, 4, vl);
        if (wide) writeLE(b, i + 4, 4, vh);
      }
      L[0] = ol;
      H[0] = oh;
      return n;
    }
    const [nh, nl] = combine(op, oh, ol, vh, vl);
    writeLE(b, i, 4, nl);
    if (wide) writeLE(b, i + 4, 4, nh);
    if (fetch) {
      L[src] = ol;
      H[src] = oh;
    }
    return n;
  };
}
