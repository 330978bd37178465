// The xdp_md context a program gets in r1, emulated as the kernel rewrites its loads: the u32
// fields data, data_end and data_meta become 64-bit packet pointers; ingress_ifindex and
// rx_queue_index are values, and egress_ifindex for devmap programs (xdp/devmap: the kernel's
// verifier lets only those read it, not cpumap programs). Only aligned 4-byte reads are
// valid (the verifier's rule); writes, and egress_ifindex in other programs, are faults.

import { RegionKind } from '../machine/index.js';
import type { Machine, Memory, Region } from '../machine/index.js';
import { PacketBuffer } from './packet.js';

/** struct xdp_md field offsets */
export const XdpMd = {
  data: 0, data_end: 4, data_meta: 8, ingress_ifindex: 12, rx_queue_index: 16, egress_ifindex: 20,
} as const;
export const XDP_MD_SIZE = 24;

/** test_run's defaults: the loopback device (ifindex 1), queue 0 */
export const DEFAULT_IFINDEX = 1;

/**
 * Why test_run would refuse this ctx (xdp_convert_md_to_buff: -EINVAL), or undefined. Ingress
 * ifindex 0 means none given (the loopback device); a queue other than 0 needs a device, and
 * the loopback device has one queue. Other devices are the caller's (docs/FIXTURES.md).
 */
export function contextProblem(ingressIfindex: number, rxQueueIndex: number): string | undefined {
  if (rxQueueIndex === 0) return undefined;
  if (ingressIfindex === 0) return `ctx rx_queue_index ${rxQueueIndex} without an ingress_ifindex: the kernel's test run refuses it (EINVAL)`;
  if (ingressIfindex === DEFAULT_IFINDEX) return `ctx rx_queue_index ${rxQueueIndex} on the loopback device (ifindex 1), which has one queue: the kernel's test run refuses it (EINVAL)`;
  return undefined;
}

export class XdpContext {
  readonly packet = new PacketBuffer();
  readonly ctxRegion: Region;
  readonly packetRegion: Region;
  ingressIfindex = DEFAULT_IFINDEX;
  rxQueueIndex = 0;
  /** devmap programs: the device the frame leaves by; undefined for others (reading it faults) */
  egressIfindex: number | undefined;

  constructor(mem: Memory) {
    this.ctxRegion = mem.add('xdp_md ctx', RegionKind.CTX, new Uint8Array(0), false);
    this.packetRegion = mem.add('packet', RegionKind.PACKET, this.packet.frame, true);
    this.sync();
  }

  /** Keeps the packet region's accessible bytes at data_meta..data_end (after every adjust). */
  sync(): void {
    this.packetRegion.start = this.packet.meta;
    this.packetRegion.end = this.packet.end;
  }

  load(m: Machine, off: number, size: number, dst: number): boolean {
    const mem = m.mem;
    if (off < 0 || off >= XDP_MD_SIZE || size !== 4 || off % 4 !== 0) {
      mem.fault('bad-pointer', `${size}-byte read at offset ${off} of the xdp_md ctx: only aligned 4-byte loads of its 6 fields are valid`);
      return false;
    }
    const p = this.packet;
    switch (off) {
      case XdpMd.data: return this.pointer(m, dst, p.data);
      case XdpMd.data_end: return this.pointer(m, dst, p.end);
      case XdpMd.data_meta: return this.pointer(m, dst, p.meta);
      case XdpMd.ingress_ifindex: return this.value(m, dst, this.ingressIfindex);
      case XdpMd.rx_queue_index: return this.value(m, dst, this.rxQueueIndex);
      default:
        if (this.egressIfindex !== undefined) return this.value(m, dst, this.egressIfindex);
        mem.fault('bad-pointer', 'xdp_md.egress_ifindex can be read only by devmap programs, section xdp/devmap (the verifier rejects it here)');
        return false;
    }
  }

  private pointer(m: Machine, dst: number, offset: number): boolean {
    m.setPtr(dst, this.packetRegion, offset);
    return true;
  }

  private value(m: Machine, dst: number, v: number): boolean {
    m.L[dst] = v;
    m.H[dst] = 0;
    return true;
  }
}
