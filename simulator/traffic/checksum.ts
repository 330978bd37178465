// The Internet checksum (RFC 1071) over byte ranges, with the IPv4/IPv6 pseudo-headers of TCP,
// UDP and ICMPv6, for building frames. Not bpf_csum_diff's arithmetic: helpers/csum.ts
// reproduces the kernel's csum_partial bit for bit (little-endian 32-bit words, its zero rule).

/** The partial sum (not yet folded) of b[start, end) as big-endian 16-bit words. */
export function sum16(b: Uint8Array, start: number, end: number, acc = 0): number {
  let s = acc;
  let i = start;
  for (; i + 1 < end; i += 2) s += (b[i] << 8) | b[i + 1];
  if (i < end) s += b[i] << 8;
  // unfolded: exact in a double for any range below 2^37 bytes; finish() folds
  return s;
}

/** Folds a partial sum and complements it: the value to store in a checksum field. */
export function finish(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/** The pseudo-header partial sum: source and destination addresses, protocol, length. */
export function pseudoSum(src: Uint8Array, dst: Uint8Array, proto: number, length: number): number {
  let s = sum16(src, 0, src.length);
  s = sum16(dst, 0, dst.length, s);
  return s + proto + (length >>> 16) + (length & 0xffff);
}

export function writeU16(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 8) & 0xff;
  b[at + 1] = v & 0xff;
}

export function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 24) & 0xff;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

export function readU16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}
