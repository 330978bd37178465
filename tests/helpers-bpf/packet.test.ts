// The test_run packet buffer: adjust_head/_meta/_tail limits and return codes (as measured on
// this kernel: see kernel.test.ts), the output from data_meta, fragments past 3520 bytes, and
// load/store_bytes.
import { describe, expect, it } from 'vitest';
import { Errno } from '../../simulator/maps/types.js';
import { MAX_LINEAR, PacketBuffer, packetProblem } from '../../simulator/xdp/packet.js';

const pkt = (n: number) => Uint8Array.from({ length: n }, (_, i) => i & 0xff);
const buf = (n: number) => {
  const b = new PacketBuffer();
  b.reset(pkt(n));
  return b;
};
const EINVAL = -Errno.EINVAL;

describe('packet buffer', () => {
  it('refuses what test_run refuses', () => {
    expect(packetProblem(13)).toMatch(/at least 14/);
    expect(packetProblem(14)).toBeUndefined();
    expect(packetProblem(3520 + 17 * 4096 + 1)).toMatch(/at most/);
  });

  it('adjust_head: down to the xdp_frame reserve, up to 14 bytes before data_end', () => {
    expect(buf(64).adjustHead(-217)).toBe(EINVAL);
    const b = buf(64);
    expect(b.adjustHead(-216)).toBe(0);
    expect(b.output().length).toBe(280);
    expect(b.output().subarray(0, 216).every((x) => x === 0)).toBe(true);
    expect(buf(64).adjustHead(50)).toBe(0);
    expect(buf(64).adjustHead(51)).toBe(EINVAL);
  });

  it('adjust_meta: 4-byte multiples up to 255 bytes; metadata is output before the data and moves with adjust_head', () => {
    expect(buf(64).adjustMeta(-3)).toBe(-Errno.EACCES);
    expect(buf(64).adjustMeta(4)).toBe(EINVAL);
    expect(buf(64).adjustMeta(-256)).toBe(EINVAL); // below the xdp_frame reserve: checked first
    const a = buf(200);
    expect(a.adjustHead(100)).toBe(0);
    expect(a.adjustMeta(-256)).toBe(-Errno.EACCES); // more than 255 bytes of metadata
    const b = buf(64);
    expect(b.adjustMeta(-216)).toBe(0); // 256 of headroom less the 40-byte reserve
    expect(b.adjustMeta(-4)).toBe(EINVAL); // meta would start inside the xdp_frame reserve
    const c = buf(64);
    expect(c.adjustMeta(-8)).toBe(0);
    c.frame.set([1, 2, 3, 4, 5, 6, 7, 8], c.meta);
    expect(c.output().subarray(0, 10)).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 0, 1));
    expect(c.adjustHead(-40)).toBe(0);
    expect(c.output().length).toBe(8 + 40 + 64);
    expect(c.output().subarray(0, 8)).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    expect(c.adjustHead(-(256 - 40 - 40 - 8) - 1)).toBe(EINVAL); // data may not reach into reserve + metadata
  });

  it('adjust_tail: grows zero-filled up to the frame less skb_shared_info, shrinks to 14 bytes', () => {
    const b = buf(64);
    expect(b.adjustTail(3457)).toBe(EINVAL);
    expect(b.adjustTail(3456)).toBe(0);
    expect(b.length).toBe(MAX_LINEAR);
    expect(b.output().subarray(64).every((x) => x === 0)).toBe(true);
    expect(buf(64).adjustTail(-50)).toBe(0);
    expect(buf(64).adjustTail(-51)).toBe(EINVAL);
  });

  it('a reused buffer starts clean (headroom and tailroom zero again)', () => {
    const b = buf(64);
    b.adjustTail(100);
    b.frame.fill(0xee, b.end - 100, b.end);
    b.adjustHead(-16);
    b.frame.fill(0xdd, b.data, b.data + 16);
    b.reset(pkt(20));
    expect(b.frame.every((x, i) => (i >= 256 && i < 276 ? x === ((i - 256) & 0xff) : x === 0))).toBe(true);
  });

  it('fragments: the program sees 3520 bytes; load/store_bytes and the output cover all', () => {
    const b = buf(5000);
    expect(b.end - b.data).toBe(MAX_LINEAR);
    expect(b.length).toBe(5000);
    expect(b.output()).toEqual(pkt(5000));
    const out = new Uint8Array(10);
    expect(b.copy(3515, out, false)).toBe(0);
    expect(out).toEqual(pkt(3525).subarray(3515));
    expect(b.copy(3515, Uint8Array.of(9, 9, 9, 9, 9, 9, 9, 9, 9, 9), true)).toBe(0);
    expect(b.output().subarray(3514, 3526)).toEqual(Uint8Array.of(3514 & 0xff, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 3525 & 0xff));
    expect(b.copy(4995, new Uint8Array(6), false)).toBe(EINVAL);
    expect(b.copy(0x10000, new Uint8Array(1), false)).toBe(-Errno.EFAULT);
  });

  it('fragments: adjust_tail grows the last one (up to a page) and shrinks into the linear part', () => {
    const b = buf(5000);
    expect(b.adjustTail(4096 - 1480 + 1)).toBe(EINVAL);
    expect(b.adjustTail(4096 - 1480)).toBe(0);
    expect(b.length).toBe(MAX_LINEAR + 4096);
    expect(b.adjustTail(-(4096 + 100))).toBe(0);
    expect(b.frags.length).toBe(0);
    expect(b.length).toBe(MAX_LINEAR - 100);
    expect(buf(5000).adjustTail(-(5000 - 14) - 1)).toBe(EINVAL);
  });
});
