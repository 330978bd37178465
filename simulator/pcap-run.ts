// Streams a pcap through any engine's session: packet by packet in constant memory, with the
// ingress interface and RX queue spread over given lists (a pcap cannot carry them), and sums up
// actions, traps, instruction counts and a digest of the output. Frames the engine refuses (as
// the kernel's test run does) are counted apart, by reason; bytes out count only frames that
// leave (TX, REDIRECT, PASS).

import { createHash } from 'node:crypto';
import { RunInputError } from './engine.js';
import type { EngineSession, PerfEvent, RunResult, Trap } from './engine.js';
import { PcapReader } from './pcap/index.js';
import type { PcapRecord } from './pcap/index.js';
import { ETH_HLEN, packetProblem } from './xdp/packet.js';

export interface PcapRunOptions {
  maxPackets?: number;
  /** packet i arrives on ingressIfindexes[i % length] (default: the test run's default, lo) */
  ingressIfindexes?: readonly number[];
  /** packet i arrives on rxQueues[i % length] (default 0) */
  rxQueues?: readonly number[];
  onProgress?: (packets: number, bytesRead: number, bytesTotal: number | undefined) => void;
  /** called with every run's result (the input record for its timestamp) */
  onResult?: (r: RunResult, rec: PcapRecord) => Promise<void> | void;
  /** the lines bpf_trace_printk printed while running packet `packet` (its index in the pcap) */
  onTrace?: (packet: number, lines: readonly string[]) => void;
}

/** Why BPF_PROG_TEST_RUN refuses a frame before running it (EINVAL). */
export type RefusalReason = 'under-14-bytes' | 'over-max-size' | 'no-such-rx-queue';

export interface PcapRunSummary {
  /** the engine that ran the packets */
  engine: string;
  packets: number;
  /** frames refused before running, as BPF_PROG_TEST_RUN refuses them, by reason */
  refused: { total: number; reasons: Partial<Record<RefusalReason, number>> };
  actions: Record<string, number>;
  traps: Record<string, number>;
  /** the first few traps, with the packet index */
  firstTraps: (Trap & { packet: number })[];
  /** instructions per packet; absent for engines that do not count them (the kernel) */
  insns?: { total: number; mean: number; max: number };
  /** bytes of the frames run */
  inBytes: number;
  /** bytes of the frames that leave: XDP_TX, XDP_REDIRECT, XDP_PASS (not DROP or ABORTED) */
  outBytes: number;
  /**
   * SHA-256 over every run packet in order: its return code (4 bytes LE), output length (4 bytes
   * LE) and output bytes. Two engines that agree on every action and output packet agree here.
   */
  outputSha256: string;
  /** time taken (wall clock) */
  seconds: number;
  /** bpf_perf_event_output calls and their return values (absent when there were none) */
  perfEvents?: { calls: number; returns: Record<string, number> };
}

const KEEP_TRAPS = 5;
const LEAVES = new Set(['XDP_TX', 'XDP_REDIRECT', 'XDP_PASS']);

function refusal(length: number): RefusalReason {
  if (packetProblem(length) === undefined) return 'no-such-rx-queue';
  return length < ETH_HLEN ? 'under-14-bytes' : 'over-max-size';
}

export async function runPcap(session: EngineSession, path: string, opts: PcapRunOptions = {}): Promise<PcapRunSummary> {
  const s: PcapRunSummary = {
    engine: session.engine, packets: 0, refused: { total: 0, reasons: {} }, actions: {}, traps: {}, firstTraps: [], inBytes: 0, outBytes: 0,
    outputSha256: '', seconds: 0,
  };
  const insns = { total: 0, mean: 0, max: 0 };
  let counted = false;
  const digest = createHash('sha256');
  const head = new DataView(new ArrayBuffer(8));
  const t0 = process.hrtime.bigint();
  const reader = new PcapReader(path, { maxPackets: opts.maxPackets });
  const ifs = opts.ingressIfindexes?.length ? opts.ingressIfindexes : undefined;
  const queues = opts.rxQueues?.length ? opts.rxQueues : undefined;
  let index = 0;
  for await (const rec of reader) {
    const i = index++;
    const ctx = { ingressIfindex: ifs?.[i % ifs.length], rxQueueIndex: queues?.[i % queues.length] };
    let r;
    try {
      r = await session.run({ packet: rec.data, ctx }, { snapshot: false });
    } catch (e) {
      if (!(e instanceof RunInputError)) throw e;
      const why = refusal(rec.data.length);
      s.refused.total++;
      s.refused.reasons[why] = (s.refused.reasons[why] ?? 0) + 1;
      continue;
    }
    s.packets++;
    s.inBytes += rec.data.length;
    if (LEAVES.has(r.action)) s.outBytes += r.packet.length;
    s.actions[r.action] = (s.actions[r.action] ?? 0) + 1;
    if (r.trace) opts.onTrace?.(i, r.trace);
    head.setUint32(0, r.code, true);
    head.setUint32(4, r.packet.length, true);
    digest.update(new Uint8Array(head.buffer));
    digest.update(r.packet);
    if (r.insnsExecuted !== undefined) {
      counted = true;
      insns.total += r.insnsExecuted;
      if (r.insnsExecuted > insns.max) insns.max = r.insnsExecuted;
    }
    if (r.trap) {
      s.traps[r.trap.kind] = (s.traps[r.trap.kind] ?? 0) + 1;
      if (s.firstTraps.length < KEEP_TRAPS) s.firstTraps.push({ ...r.trap, packet: i });
    }
    if (r.perfEvents) countPerf(s, r.perfEvents);
    if (opts.onResult) await opts.onResult(r, rec);
    if ((i & 1023) === 0) opts.onProgress?.(i + 1, reader.bytesRead, reader.size);
  }
  opts.onProgress?.(index, reader.bytesRead, reader.size);
  if (counted) s.insns = { ...insns, mean: s.packets ? insns.total / s.packets : 0 };
  s.outputSha256 = digest.digest('hex');
  s.seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return s;
}

function countPerf(s: PcapRunSummary, events: readonly PerfEvent[]): void {
  const p = (s.perfEvents ??= { calls: 0, returns: {} });
  for (const e of events) {
    p.calls++;
    p.returns[e.ret] = (p.returns[e.ret] ?? 0) + 1;
  }
}
