// bpf_perf_event_output (helper 25; for XDP the kernel's bpf_xdp_event_output) over a
// BPF_MAP_TYPE_PERF_EVENT_ARRAY: the checks and errors of the kernel, and a record of each call
// (data, packet sample, return value) for the run's result. Models the kernel's test run, where
// no perf event is open at any index: a valid call returns -ENOENT, as it does there.

import type { PerfEvent } from '../engine.js';
import { Errno } from '../maps/types.js';
import { hostPossibleCpus } from '../maps/lru.js';
import { mapArg, memArg, ret } from './args.js';
import type { XdpHelper } from './env.js';

/** BPF_F_INDEX_MASK / BPF_F_CURRENT_CPU: the low 32 bits of flags are the index */
const INDEX_MASK = 0xffffffff;
/** BPF_F_CTXLEN_MASK: bits 32-51 are the length of the packet sample */
const CTXLEN_BITS = 0xfffff;
/** the CPU the modelled test run runs on (the kernel oracle pins bpftool to CPU 0) */
const CPU = 0;

export const perfEventOutput: XdpHelper = (m, h, pc) => {
  const name = 'bpf_perf_event_output';
  const a = mapArg(m, h, 2, name, pc);
  if (!a) return;
  if (a.map.def.type !== 'perf_event_array') {
    m.fail('bad-call', `${name} on map ${a.map.def.name}, a ${a.map.def.type}: the verifier wants a perf_event_array`, pc);
    return;
  }
  const size = m.L[5] >>> 0;
  const data = memArg(m, 4, size, false, name, pc);
  if (!data) return;
  const lo = m.L[3] >>> 0;
  const hi = m.H[3] >>> 0;
  const sampleLen = hi & CTXLEN_BITS;
  const packetLen = h.xdp.packet.length;
  const event: PerfEvent = { map: a.map.def.name, index: lo === INDEX_MASK ? CPU : lo, ret: 0, data: data.slice(), sample: new Uint8Array(0), packetLen };
  h.perfEvents.push(event);
  // bpf_xdp_event_output: unknown flag bits, then a sample longer than the packet
  if ((hi & ~CTXLEN_BITS) !== 0) return ret(m, (event.ret = -Errno.EINVAL));
  if (sampleLen > packetLen) return ret(m, (event.ret = -Errno.EFAULT));
  event.sample = new Uint8Array(sampleLen);
  h.xdp.packet.copy(0, event.sample, false);
  // __bpf_perf_event_output: the index (libbpf sizes a perf event array by the possible CPUs)
  const entries = a.map.def.maxEntries || hostPossibleCpus();
  if (event.index >= entries) return ret(m, (event.ret = -Errno.E2BIG));
  ret(m, (event.ret = -Errno.ENOENT));
};
