// bpf_csum_diff as the kernel computes it since 6.12 (net/core/filter.c): ones'-complement sums of
// the `to` words minus the `from` words, seeded, folded to 16 bits; any sizes (no multiple-of-4
// rule any more). csum_partial is x86's: 32-bit ones'-complement sum of little-endian words,
// a short tail zero-padded; only zero input sums to 0. Checked against this kernel with bpftool.

import { memArg, ret, u32Arg } from './args.js';
import type { XdpHelper } from './env.js';

const M32 = 0xffffffff;

/** csum_partial(buf, len, sum): 32-bit ones'-complement sum. */
function csumPartial(buf: Uint8Array, sum: number): number {
  let total = sum >>> 0;
  const whole = buf.length & ~3;
  for (let i = 0; i < whole; i += 4) total += (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24)) >>> 0;
  let tail = 0;
  for (let i = buf.length - 1; i >= whole; i--) tail = tail * 256 + buf[i];
  total += tail;
  return total === 0 ? 0 : ((total - 1) % M32) + 1;
}

/** csum_add: 32-bit add with end-around carry. */
function csumAdd(a: number, b: number): number {
  let r = (a + b) >>> 0;
  if (r < b >>> 0) r = (r + 1) >>> 0;
  return r;
}

const csumSub = (a: number, b: number): number => csumAdd(a, ~b >>> 0);

/** csum_from32to16: fold a 32-bit sum to 16 bits (not inverted). */
function from32to16(sum: number): number {
  const s = (sum + (((sum >>> 16) | (sum << 16)) >>> 0)) >>> 0;
  return s >>> 16;
}

/** The value bpf_csum_diff returns. */
export function csumDiff(from: Uint8Array, to: Uint8Array, seed: number): number {
  let r = seed >>> 0;
  if (from.length && to.length) r = csumSub(csumPartial(to, r), csumPartial(from, 0));
  else if (to.length) r = csumPartial(to, r);
  else if (from.length) r = ~csumPartial(from, ~r >>> 0) >>> 0;
  return from32to16(r);
}

export const csumDiffHelper: XdpHelper = (m, _h, pc) => {
  const from = memArg(m, 1, u32Arg(m, 2), false, 'bpf_csum_diff', pc);
  const to = from && memArg(m, 3, u32Arg(m, 4), false, 'bpf_csum_diff', pc);
  if (from && to) ret(m, csumDiff(from, to, u32Arg(m, 5)));
};
