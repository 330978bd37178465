// The program type of a section name, as libbpf 1.x derives it from its section table: XDP with
// its attach type (xdp/devmap, xdp/cpumap) and multi-buffer flag (xdp.frags...), and the other
// program types by their kernel name, so objects that mix XDP with TC or tracing programs load.
// Does not decide what may run (the simulator does), nor check a section's suffix.

import type { ProgramType } from './types.js';

/** libbpf's XDP sections: exact names. */
const XDP_SECTIONS: Readonly<Record<string, ProgramType>> = {
  'xdp': { kind: 'xdp', attach: 'xdp', frags: false, libbpf: true },
  'xdp.frags': { kind: 'xdp', attach: 'xdp', frags: true, libbpf: true },
  'xdp/devmap': { kind: 'xdp', attach: 'devmap', frags: false, libbpf: true },
  'xdp.frags/devmap': { kind: 'xdp', attach: 'devmap', frags: true, libbpf: true },
  'xdp/cpumap': { kind: 'xdp', attach: 'cpumap', frags: false, libbpf: true },
  'xdp.frags/cpumap': { kind: 'xdp', attach: 'cpumap', frags: true, libbpf: true },
};

/**
 * Other types by the section's first component (before '/' or '.'), as the kernel (bpftool)
 * names them. libbpf needs more for some (a kprobe's function, an fentry's target); this table
 * only names the type.
 */
const OTHER: Readonly<Record<string, string>> = {
  tc: 'sched_cls', tcx: 'sched_cls', classifier: 'sched_cls', netkit: 'sched_cls', action: 'sched_act',
  kprobe: 'kprobe', kretprobe: 'kprobe', uprobe: 'kprobe', uretprobe: 'kprobe', ksyscall: 'kprobe', kretsyscall: 'kprobe',
  usdt: 'kprobe', 'kprobe.multi': 'kprobe', 'kretprobe.multi': 'kprobe',
  tracepoint: 'tracepoint', tp: 'tracepoint', raw_tracepoint: 'raw_tracepoint', raw_tp: 'raw_tracepoint',
  'raw_tracepoint.w': 'raw_tracepoint_writable', 'raw_tp.w': 'raw_tracepoint_writable',
  tp_btf: 'tracing', fentry: 'tracing', fexit: 'tracing', fmod_ret: 'tracing', iter: 'tracing', freplace: 'ext',
  lsm: 'lsm', 'lsm.s': 'lsm', perf_event: 'perf_event', socket: 'socket_filter', sk_skb: 'sk_skb', sk_msg: 'sk_msg',
  sk_lookup: 'sk_lookup', sk_reuseport: 'sk_reuseport', sockops: 'sock_ops', cgroup_skb: 'cgroup_skb', cgroup: 'cgroup',
  flow_dissector: 'flow_dissector', lwt_in: 'lwt_in', lwt_out: 'lwt_out', lwt_xmit: 'lwt_xmit', lwt_seg6local: 'lwt_seg6local',
  struct_ops: 'struct_ops', syscall: 'syscall', netfilter: 'netfilter',
};

/** The program type of a code section (raw bytecode and listings without sections: XDP). */
export function programTypeOf(section: string): ProgramType {
  const exact = XDP_SECTIONS[section];
  if (exact) return exact;
  // sections libbpf 1.x no longer knows but older loaders took as XDP ("xdp/foo", "xdp_foo"), and none
  if (section === '' || /^xdp($|[/._])/.test(section)) return { kind: 'xdp', attach: 'xdp', frags: section.startsWith('xdp.frags'), libbpf: false };
  const head = /^[^/]+/.exec(section)?.[0] ?? section;
  const type = OTHER[head] ?? OTHER[head.split('.')[0]];
  return type !== undefined ? { kind: 'other', type, libbpf: true } : { kind: 'other', type: 'unknown', libbpf: false };
}
