// The packet path around the core, in core cycles: arrivals on the wire (back to back at a line
// rate, preamble and inter-frame gap included, or at capture timestamps), the input queue of
// frames (one frame a cycle, bounded; a packet that does not fit is dropped), the active packet
// selector (the core starts at a packet's first or last frame), and emission overlapping the next
// packet. Per packet it gives start, end and latency; it does not execute anything.

import type { PacketPath } from '../../isa/index.js';

export interface PathOptions {
  readonly path: PacketPath;
  readonly clockMHz: number;
  /** Gb/s of back-to-back arrivals; ignored for packets given a timestamp */
  readonly lineRateGbps: number;
}

export interface PathTotals {
  dropped: number;
  /** most frames the input queue held */
  maxQueueFrames: number;
  /** cycles packets waited in the queue for the core (queue stall) */
  queueCycles: number;
  /** cycles the core waited for a packet's frames (I/O stall) */
  ioCycles: number;
  /** first arrival and last byte out, cycles */
  firstIn: number;
  lastOut: number;
}

/** Feeds packets in arrival order; `admit` then `complete` per packet. */
export class PacketPathModel {
  readonly totals: PathTotals = { dropped: 0, maxQueueFrames: 0, queueCycles: 0, ioCycles: 0, firstIn: -1, lastOut: 0 };
  private wireFree = 0;
  private queueFree = 0;
  private coreFree = 0;
  private emitFree = 0;
  /** ring of [start cycle, frames] of admitted packets the core has not started by now */
  private readonly pendStart: Float64Array;
  private readonly pendFrames: Int32Array;
  private head = 0;
  private count = 0;
  private queued = 0;
  private readonly cyclesPerByte: number;
  /** the packet being admitted: first byte in, frames */
  private arrival = 0;
  private frames = 0;
  private ready = 0;

  constructor(private readonly o: PathOptions) {
    this.cyclesPerByte = (8 / (o.lineRateGbps * 1000)) * o.clockMHz;
    const cap = Math.max(1, o.path.queueFrames);
    this.pendStart = new Float64Array(cap);
    this.pendFrames = new Int32Array(cap);
  }

  /** A packet of `bytes` arrives (at `atNs`, or back to back); false when the queue drops it. */
  admit(bytes: number, atNs?: number): boolean {
    const p = this.o.path;
    const wire = (bytes + p.wireOverheadBytes) * this.cyclesPerByte;
    const at = atNs === undefined ? this.wireFree : Math.max((atNs * this.o.clockMHz) / 1000, this.wireFree);
    this.wireFree = at + wire;
    if (this.totals.firstIn < 0) this.totals.firstIn = at;
    this.retire(at);
    const frames = Math.ceil(bytes / p.frameBytes);
    if (this.queued + frames > p.queueFrames) {
      this.totals.dropped++;
      return false;
    }
    this.arrival = at;
    this.frames = frames;
    // frames enter one a cycle, each when its last byte is in from the wire
    const lastByteIn = at + bytes * this.cyclesPerByte;
    const firstFrameIn = Math.max(at + Math.min(bytes, p.frameBytes) * this.cyclesPerByte, this.queueFree);
    const lastFrameIn = Math.max(lastByteIn, firstFrameIn + frames - 1);
    this.queueFree = lastFrameIn + 1;
    this.ready = p.selectorStart === 'first' ? firstFrameIn : lastFrameIn;
    return true;
  }

  /** The cycle the core starts the admitted packet (its frames in, the core free). */
  startCycle(): number {
    return Math.max(this.ready, this.coreFree);
  }

  /** The admitted packet ran `cycles` on the core and emits `outBytes` (0: dropped by the program); returns its latency in cycles. */
  complete(cycles: number, outBytes: number): { start: number; latency: number } {
    const p = this.o.path;
    const start = Math.max(this.ready, this.coreFree);
    this.totals.queueCycles += start - this.ready;
    const waitFrom = Math.max(this.coreFree, this.arrival);
    if (this.ready > waitFrom) this.totals.ioCycles += this.ready - waitFrom; // the core idles while the frames come in
    this.push(start, this.frames);
    this.queued += this.frames;
    this.totals.maxQueueFrames = Math.max(this.totals.maxQueueFrames, this.queued);
    const done = start + cycles;
    this.coreFree = done;
    let out = done;
    if (outBytes > 0) {
      const emitStart = Math.max(done, this.emitFree);
      out = emitStart + Math.ceil(outBytes / p.frameBytes);
      this.emitFree = out;
    }
    this.totals.lastOut = Math.max(this.totals.lastOut, out);
    return { start, latency: out - this.arrival };
  }

  private push(start: number, frames: number): void {
    const cap = this.pendStart.length;
    if (this.count === cap) this.retireOne();
    const i = (this.head + this.count) % cap;
    this.pendStart[i] = start;
    this.pendFrames[i] = frames;
    this.count++;
  }

  private retireOne(): void {
    this.queued -= this.pendFrames[this.head];
    this.head = (this.head + 1) % this.pendStart.length;
    this.count--;
  }

  /** Frees the frames of packets the core has started by `now` (the selector has copied them). */
  private retire(now: number): void {
    while (this.count > 0 && this.pendStart[this.head] <= now) this.retireOne();
  }
}
