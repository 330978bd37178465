// The helpers the interpreter implements for XDP programs, by kernel name (isa/helpers.ts gives
// the numbers). A helper not in this table traps as 'unsupported-helper' where it is called.

import { HELPER_NAMES } from '../../isa/index.js';
import type { XdpHelper } from './env.js';
import { csumDiffHelper } from './csum.js';
import { fibLookupHelper } from './fib.js';
import { perfEventOutput } from './perf.js';
import { mapDelete, mapLookup, mapUpdate, redirectMap, tailCall } from './maps.js';
import { tracePrintk, traceVprintk } from './printk.js';
import {
  adjustHead, adjustMeta, adjustTail, bpfLoop, getBuffLen, getPrandomU32, getSmpProcessorId, ktimeGetNs, loadBytes,
  redirect, storeBytes,
} from './xdp.js';

export type { Route, XdpEnv, XdpHelper } from './env.js';

export const XDP_HELPERS: Readonly<Record<string, XdpHelper>> = {
  map_lookup_elem: mapLookup,
  map_update_elem: mapUpdate,
  map_delete_elem: mapDelete,
  ktime_get_ns: ktimeGetNs,
  ktime_get_boot_ns: ktimeGetNs,
  ktime_get_coarse_ns: ktimeGetNs,
  get_prandom_u32: getPrandomU32,
  get_smp_processor_id: getSmpProcessorId,
  tail_call: tailCall,
  redirect,
  redirect_map: redirectMap,
  csum_diff: csumDiffHelper,
  xdp_adjust_head: adjustHead,
  xdp_adjust_meta: adjustMeta,
  xdp_adjust_tail: adjustTail,
  fib_lookup: fibLookupHelper,
  xdp_get_buff_len: getBuffLen,
  xdp_load_bytes: loadBytes,
  xdp_store_bytes: storeBytes,
  loop: bpfLoop,
  perf_event_output: perfEventOutput,
  trace_printk: tracePrintk,
  trace_vprintk: traceVprintk,
};

/** The implementation of helper `id`, or undefined when it is not supported. */
export function xdpHelper(id: number): XdpHelper | undefined {
  const name = HELPER_NAMES[id];
  return name === undefined ? undefined : XDP_HELPERS[name];
}
