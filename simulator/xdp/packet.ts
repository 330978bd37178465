// The packet buffer as the kernel's BPF_PROG_TEST_RUN builds it for XDP (net/bpf/test_run.c):
// one 4096-byte frame with 256 bytes of headroom, data_meta = data, the data, and room up to
// frame end less skb_shared_info; bytes past 3520 go to page-sized fragments (multi-buffer).
// bpf_xdp_adjust_head/_tail/_meta and xdp_load/store_bytes with the kernel's limits and errors.
// Facts checked against this machine's kernel with bpftool (see tests/helpers-bpf).

import { Errno } from '../maps/types.js';

/** XDP_PACKET_HEADROOM */
export const HEADROOM = 256;
/** the frame size test_run gives the xdp_buff (PAGE_SIZE), also the fragment size */
export const FRAME_SIZE = 4096;
/** SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) on x86-64: reserved at the end of the frame */
export const SHARED_INFO_SIZE = 320;
/** sizeof(struct xdp_frame): reserved at the start of the headroom */
export const XDP_FRAME_SIZE = 40;
export const ETH_HLEN = 14;
/** the largest linear part: 4096 - 256 - 320 */
export const MAX_LINEAR = FRAME_SIZE - HEADROOM - SHARED_INFO_SIZE;
/** MAX_SKB_FRAGS */
export const MAX_FRAGS = 17;
export const MAX_PACKET = MAX_LINEAR + MAX_FRAGS * FRAME_SIZE;
/** metadata length: a multiple of 4, at most 255 (skb_shared_info.meta_len is a u8) */
export const META_MAX = 255;

/** Why a packet cannot be run (the kernel's test run refuses it with -EINVAL or -ENOMEM). */
export function packetProblem(length: number): string | undefined {
  if (length < ETH_HLEN) return `the packet is ${length} bytes; the kernel's test run needs at least ${ETH_HLEN} (an Ethernet header)`;
  if (length > MAX_PACKET) return `the packet is ${length} bytes; the kernel's test run takes at most ${MAX_PACKET} (${MAX_LINEAR} linear + ${MAX_FRAGS} fragments of ${FRAME_SIZE})`;
  return undefined;
}

/** Output copies are cut from shared slabs (as Node's Buffer pool does): a fresh view per packet, no allocator call per packet. */
const SLAB = 64 * 1024;
let slab = new Uint8Array(SLAB);
let slabAt = 0;

/** `n` bytes no one else holds (the caller fills them all). */
function outputBytes(n: number): Uint8Array {
  if (n > SLAB / 8) return new Uint8Array(n);
  if (slabAt + n > SLAB) {
    slab = new Uint8Array(SLAB);
    slabAt = 0;
  }
  const out = slab.subarray(slabAt, slabAt + n);
  slabAt += n;
  return out;
}

export class PacketBuffer {
  /** the frame: data_hard_start at 0 */
  readonly frame = new Uint8Array(FRAME_SIZE);
  meta = HEADROOM;
  data = HEADROOM;
  end = HEADROOM;
  /** fragments of a multi-buffer packet, in order */
  frags: Uint8Array[] = [];
  /** the frame bytes the last packet may have touched: [low, high) (everything else is still zero) */
  private low = 0;
  private high = FRAME_SIZE;

  /** Loads a packet as test_run does (the rest of the frame zero); the caller checks packetProblem() first. */
  reset(packet: Uint8Array): void {
    const linear = Math.min(packet.length, MAX_LINEAR);
    const end = HEADROOM + linear;
    // zero what the last packet touched and this one does not overwrite
    if (this.low < HEADROOM) this.frame.fill(0, this.low, HEADROOM);
    if (this.high > end) this.frame.fill(0, Math.max(this.low, end), this.high);
    this.frame.set(linear === packet.length ? packet : packet.subarray(0, linear), HEADROOM);
    this.meta = this.data = HEADROOM;
    this.end = end;
    this.low = this.meta;
    this.high = this.end;
    if (this.frags.length > 0) this.frags = [];
    for (let at = linear; at < packet.length; at += FRAME_SIZE) this.frags.push(packet.slice(at, Math.min(at + FRAME_SIZE, packet.length)));
  }

  get fragsSize(): number {
    return this.frags.reduce((s, f) => s + f.length, 0);
  }

  /** Bytes past data_end this packet's data_end has reached and left (a grown tail zero-fills them). */
  get staleTail(): number {
    return this.high - this.end;
  }

  /** xdp_get_buff_len: data to data_end plus fragments */
  get length(): number {
    return this.end - this.data + this.fragsSize;
  }

  /** What test_run copies out: data_meta to data_end, then the fragments. */
  output(): Uint8Array {
    if (!this.frags.length) {
      const out = outputBytes(this.end - this.meta);
      out.set(this.frame.subarray(this.meta, this.end));
      return out;
    }
    const out = new Uint8Array(this.end - this.meta + this.fragsSize);
    out.set(this.frame.subarray(this.meta, this.end));
    let at = this.end - this.meta;
    for (const f of this.frags) {
      out.set(f, at);
      at += f.length;
    }
    return out;
  }

  /** bpf_xdp_adjust_head: moves data (and the metadata with it). */
  adjustHead(offset: number): number {
    const metalen = this.data - this.meta;
    const data = this.data + offset;
    if (data < XDP_FRAME_SIZE + metalen || data > this.end - ETH_HLEN) return -Errno.EINVAL;
    if (metalen) this.frame.copyWithin(this.meta + offset, this.meta, this.data);
    this.meta += offset;
    this.data = data;
    this.low = Math.min(this.low, this.meta);
    return 0;
  }

  /** bpf_xdp_adjust_meta: grows or shrinks the metadata in front of data. */
  adjustMeta(offset: number): number {
    const meta = this.meta + offset;
    const metalen = this.data - meta;
    if (meta < XDP_FRAME_SIZE || meta > this.data) return -Errno.EINVAL;
    if ((metalen & 3) !== 0 || metalen > META_MAX) return -Errno.EACCES;
    this.meta = meta;
    this.low = Math.min(this.low, this.meta);
    return 0;
  }

  /** bpf_xdp_adjust_tail: grows (zero-filled) or shrinks the end; with fragments, the last ones. */
  adjustTail(offset: number): number {
    if (this.frags.length) return offset < 0 ? this.shrinkFrags(-offset) : this.growFrags(offset);
    const end = this.end + offset;
    if (end > FRAME_SIZE - SHARED_INFO_SIZE) return -Errno.EINVAL;
    if (end < this.data + ETH_HLEN) return -Errno.EINVAL;
    if (offset > 0) this.frame.fill(0, this.end, end);
    this.end = end;
    this.high = Math.max(this.high, end);
    return 0;
  }

  private growFrags(offset: number): number {
    const last = this.frags[this.frags.length - 1];
    if (offset > FRAME_SIZE - last.length) return -Errno.EINVAL;
    const grown = new Uint8Array(last.length + offset);
    grown.set(last);
    this.frags[this.frags.length - 1] = grown;
    return 0;
  }

  private shrinkFrags(offset: number): number {
    if (offset > this.length - ETH_HLEN) return -Errno.EINVAL;
    while (this.frags.length && offset > 0) {
      const last = this.frags[this.frags.length - 1];
      const shrink = Math.min(offset, last.length);
      offset -= shrink;
      if (shrink === last.length) this.frags.pop();
      else this.frags[this.frags.length - 1] = last.subarray(0, last.length - shrink);
    }
    if (!this.frags.length) this.end -= offset;
    return 0;
  }

  /** bpf_xdp_load_bytes / bpf_xdp_store_bytes: copies between `buf` and the packet at data + offset. */
  copy(offset: number, buf: Uint8Array, store: boolean): number {
    const len = buf.length;
    if (offset > 0xffff || len > 0xffff) return -Errno.EFAULT;
    if (offset + len > this.length) return -Errno.EINVAL;
    let done = 0;
    let pos = offset;
    for (const chunk of [this.frame.subarray(this.data, this.end), ...this.frags]) {
      if (done === len) break;
      if (pos >= chunk.length) {
        pos -= chunk.length;
        continue;
      }
      const n = Math.min(chunk.length - pos, len - done);
      if (store) chunk.set(buf.subarray(done, done + n), pos);
      else buf.set(chunk.subarray(pos, pos + n), done);
      done += n;
      pos = 0;
    }
    return 0;
  }
}
