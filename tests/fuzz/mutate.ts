// Generic mutations as fast-check arbitraries: byte edits (set, flip, interesting integers,
// truncate, delete, insert, duplicate) and text line edits. Positions are taken modulo the input's
// length when applied, so one mutation list fits any seed.

import fc from 'fast-check';

/** Integers that find off-by-one and overflow bugs, as unsigned 64-bit values. */
export const INTERESTING: readonly bigint[] = [
  0n, 1n, 2n, 3n, 4n, 7n, 8n, 16n, 24n, 63n, 64n, 0x7fn, 0x80n, 0xffn, 0x100n, 0x7fffn, 0x8000n, 0xfffen, 0xffffn, 0x10000n,
  0x7fffffffn, 0x80000000n, 0xfffffff8n, 0xffffffffn, 0x100000000n, 0x1fffffffffffffn, 0x7fffffffffffffffn, 0x8000000000000000n,
  0xffffffffffffffffn,
];

export type ByteMutation =
  | readonly ['set', number, number]
  | readonly ['flip', number, number]
  | readonly ['int', number, number, number, boolean]
  | readonly ['truncate', number]
  | readonly ['delete', number, number]
  | readonly ['insert', number, Uint8Array]
  | readonly ['duplicate', number, number, number];

const pos = fc.nat();
const WIDTHS = [1, 2, 4, 8] as const;

export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constant('set' as const), pos, fc.nat({ max: 255 })) },
  { weight: 3, arbitrary: fc.tuple(fc.constant('flip' as const), pos, fc.nat({ max: 7 })) },
  { weight: 4, arbitrary: fc.tuple(fc.constant('int' as const), pos, fc.nat({ max: INTERESTING.length - 1 }), fc.nat({ max: 3 }), fc.boolean()) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('truncate' as const), pos) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('delete' as const), pos, fc.nat({ max: 64 })) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('insert' as const), pos, fc.uint8Array({ minLength: 1, maxLength: 32 })) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('duplicate' as const), pos, pos, fc.nat({ max: 256 })) },
);

/** Writes `v` (truncated to `width` bytes) at `at`, little- or big-endian, as far as it fits. */
export function writeInt(b: Uint8Array, at: number, width: number, v: bigint, bigEndian = false): void {
  for (let i = 0; i < width && at + i < b.length; i++) {
    const byte = Number((v >> BigInt(8 * i)) & 0xffn);
    b[bigEndian ? at + width - 1 - i : at + i] = byte;
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function applyByte(b: Uint8Array, m: ByteMutation): Uint8Array {
  const n = b.length;
  switch (m[0]) {
    case 'set': if (n) b[m[1] % n] = m[2]; return b;
    case 'flip': if (n) b[m[1] % n] ^= 1 << m[2]; return b;
    case 'int': {
      const w = WIDTHS[m[3]];
      if (n >= w) writeInt(b, m[1] % (n - w + 1), w, INTERESTING[m[2]], m[4]);
      return b;
    }
    case 'truncate': return b.subarray(0, m[1] % (n + 1));
    case 'delete': {
      const at = m[1] % (n + 1);
      return concat(b.subarray(0, at), b.subarray(Math.min(n, at + m[2])));
    }
    case 'insert': {
      const at = m[1] % (n + 1);
      return concat(b.subarray(0, at), m[2], b.subarray(at));
    }
    case 'duplicate': {
      if (!n) return b;
      const from = m[1] % n;
      const at = m[2] % (n + 1);
      return concat(b.subarray(0, at), b.subarray(from, Math.min(n, from + m[3])), b.subarray(at));
    }
  }
}

export function applyBytes(base: Uint8Array, ms: readonly ByteMutation[]): Uint8Array {
  let b: Uint8Array = Uint8Array.from(base);
  for (const m of ms) b = applyByte(b, m);
  return b;
}

export function describeByte(m: ByteMutation): string {
  return m[0] === 'insert' ? `insert@${m[1]}[${m[2].length}]` : `${m[0]}@${m.slice(1).join(',')}`;
}

export const byteMutations = (max = 8): fc.Arbitrary<ByteMutation[]> => fc.array(byteMutation, { minLength: 1, maxLength: max });

/** Line-level text edits: whole lines moved, dropped or repeated, tokens replaced, garbage added. */
export type LineMutation =
  | readonly ['drop', number]
  | readonly ['repeat', number, number]
  | readonly ['swap', number, number]
  | readonly ['token', number, number, string]
  | readonly ['insert', number, string]
  | readonly ['cut', number];

const weird = fc.oneof(
  fc.constantFrom('', '0', '-1', '4294967295', '18446744073709551616', 'ff', 'zz', '0x', ':', '<', '>', '<x>:', '\t', '99999999999999999999', 'NaN'),
  fc.string({ maxLength: 12 }),
  fc.stringMatching(/^[0-9a-f]{1,16}$/),
);

export const lineMutation: fc.Arbitrary<LineMutation> = fc.oneof(
  fc.tuple(fc.constant('drop' as const), pos),
  fc.tuple(fc.constant('repeat' as const), pos, fc.integer({ min: 1, max: 4 })),
  fc.tuple(fc.constant('swap' as const), pos, pos),
  { weight: 4, arbitrary: fc.tuple(fc.constant('token' as const), pos, pos, weird) },
  fc.tuple(fc.constant('insert' as const), pos, fc.string({ maxLength: 80 })),
  fc.tuple(fc.constant('cut' as const), pos),
);

export function applyLines(text: string, ms: readonly LineMutation[]): string {
  let lines = text.split('\n');
  for (const m of ms) {
    const n = lines.length;
    const i = m[1] % n;
    switch (m[0]) {
      case 'drop': lines.splice(i, 1); break;
      case 'repeat': lines.splice(i, 0, ...Array<string>(m[2]).fill(lines[i])); break;
      case 'swap': [lines[i], lines[m[2] % n]] = [lines[m[2] % n], lines[i]]; break;
      case 'token': {
        const toks = lines[i].split(/(\s+)/);
        const words = toks.map((t, k) => (/\S/.test(t) ? k : -1)).filter((k) => k >= 0);
        if (words.length) toks[words[m[2] % words.length]] = m[3];
        lines[i] = toks.join('');
        break;
      }
      case 'insert': lines.splice(i, 0, m[2]); break;
      case 'cut': lines = lines.join('\n').slice(0, m[1] % (text.length + 1)).split('\n'); break;
    }
    if (lines.length === 0) lines = [''];
  }
  return lines.join('\n');
}

export const lineMutations = (max = 6): fc.Arbitrary<LineMutation[]> => fc.array(lineMutation, { minLength: 1, maxLength: max });

export function describeLine(m: LineMutation): string {
  return m[0] === 'token' || m[0] === 'insert' ? `${m[0]}@${m[1]}:${JSON.stringify(m[m.length - 1]).slice(0, 24)}` : `${m[0]}@${m.slice(1).join(',')}`;
}

/** Picks one element of a non-empty list by an arbitrary index. */
export function pick<T>(items: readonly T[]): fc.Arbitrary<T> {
  if (items.length === 0) throw new Error('no seeds to pick from');
  return fc.nat({ max: items.length - 1 }).map((i) => items[i]);
}
