// The 8-byte instruction slot and its fields (RFC 9669 §3, little-endian host order).
// msb [ imm:32 | off:16 | src:4 | dst:4 | opcode:8 ] lsb

export interface RawSlot {
  opcode: number;
  dst: number;
  src: number;
  /** signed 16-bit */
  off: number;
  /** signed 32-bit */
  imm: number;
}

export function readSlot(bytes: Uint8Array, slot: number): RawSlot {
  const o = slot * 8;
  const regs = bytes[o + 1];
  const off = (bytes[o + 2] | (bytes[o + 3] << 8)) << 16 >> 16;
  const imm = bytes[o + 4] | (bytes[o + 5] << 8) | (bytes[o + 6] << 16) | (bytes[o + 7] << 24);
  return { opcode: bytes[o], dst: regs & 0x0f, src: regs >> 4, off, imm };
}

export function writeSlot(out: Uint8Array, slot: number, s: RawSlot): void {
  const o = slot * 8;
  out[o] = s.opcode & 0xff;
  out[o + 1] = (s.dst & 0x0f) | ((s.src & 0x0f) << 4);
  out[o + 2] = s.off & 0xff;
  out[o + 3] = (s.off >> 8) & 0xff;
  out[o + 4] = s.imm & 0xff;
  out[o + 5] = (s.imm >> 8) & 0xff;
  out[o + 6] = (s.imm >> 16) & 0xff;
  out[o + 7] = (s.imm >>> 24) & 0xff;
}
