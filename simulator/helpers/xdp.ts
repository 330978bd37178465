// XDP helpers: redirect by ifindex, adjust_head/_meta/_tail (limits and return codes of the
// kernel, via the packet buffer), load/store_bytes, get_buff_len; and the small ones: a
// deterministic ktime_get_ns, a seeded get_prandom_u32, get_smp_processor_id (one CPU: 0), and
// bpf_loop (its callback runs as a BPF-to-BPF call made by the helper).

import { FUNC_TAG } from '../machine/index.js';
import { Errno } from '../maps/types.js';
import { flagsArg, memArg, ret, s32Arg, u32Arg } from './args.js';
import type { XdpHelper } from './env.js';

const XDP_ABORTED = 0;
const XDP_REDIRECT = 4;

/** bpf_redirect(ifindex, flags): any flag gives XDP_ABORTED (the XDP variant takes none). */
export const redirect: XdpHelper = (m, h) => {
  if (flagsArg(m, 2) !== 0) {
    h.redirect = undefined;
    return ret(m, XDP_ABORTED);
  }
  h.redirect = { ifindex: u32Arg(m, 1) };
  ret(m, XDP_REDIRECT);
};

const adjust = (which: 'adjustHead' | 'adjustMeta' | 'adjustTail'): XdpHelper => (m, h) => {
  ret(m, h.xdp.packet[which](s32Arg(m, 2)));
  h.xdp.sync();
};

export const adjustHead = adjust('adjustHead');
export const adjustMeta = adjust('adjustMeta');
export const adjustTail = adjust('adjustTail');

const bytes = (store: boolean): XdpHelper => (m, h, pc) => {
  const name = store ? 'bpf_xdp_store_bytes' : 'bpf_xdp_load_bytes';
  const len = u32Arg(m, 4);
  if (len === 0) {
    m.fail('bad-call', `${name}: a length of 0 (the verifier wants a non-zero constant size)`, pc);
    return;
  }
  const buf = memArg(m, 3, len, !store, name, pc);
  if (buf) ret(m, h.xdp.packet.copy(u32Arg(m, 2), buf, store));
};

export const loadBytes = bytes(false);
export const storeBytes = bytes(true);

export const getBuffLen: XdpHelper = (m, h) => ret(m, h.xdp.packet.length);

/** The clock: a fixed start, + clockStepPerCall after each call, + clockStepPerPacket between runs. */
export const ktimeGetNs: XdpHelper = (m, h) => {
  ret(m, h.clock);
  h.clock += h.clockStepPerCall;
};

export const getPrandomU32: XdpHelper = (m, h) => ret(m, h.nextRandom());

export const getSmpProcessorId: XdpHelper = (m) => ret(m, 0);

/** BPF_MAX_LOOPS */
const MAX_LOOPS = 8 * 1024 * 1024;

/** bpf_loop(nr_loops, callback, ctx, flags): callback(i, ctx) until it returns non-zero. */
export const bpfLoop: XdpHelper = (m, _h, pc) => {
  const target = m.L[2] >>> 0;
  if (m.H[2] !== FUNC_TAG || target >= m.program.size) {
    m.fail('bad-call', 'bpf_loop: r2 is not the address of a function of this program', pc);
    return;
  }
  const nr = u32Arg(m, 1);
  const ctxH = m.H[3], ctxL = m.L[3];
  if (flagsArg(m, 4) !== 0) return ret(m, -Errno.EINVAL);
  if (nr > MAX_LOOPS) return ret(m, -Errno.E2BIG);
  for (let i = 0; i < nr; i++) {
    m.setNum(1, i);
    m.H[2] = ctxH;
    m.L[2] = ctxL;
    for (let r = 3; r <= 5; r++) m.setNum(r, 0);
    if (!m.callFunction(target, pc)) return;
    if (m.L[0] !== 0 || m.H[0] !== 0) return ret(m, i + 1);
  }
  ret(m, nr);
};
