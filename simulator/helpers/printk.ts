// bpf_trace_printk (3 arguments in r3-r5) and bpf_trace_vprintk (arguments as an array of u64):
// check the format as the kernel does (-EINVAL, nothing printed, when it refuses), render it
// (printk-format.ts) and keep the line for the run's result, as trace_pipe would show it after
// "bpf_trace_printk: ". Formatting rules live in printk-format.ts only.

import type { Machine } from '../machine/index.js';
import type { XdpEnv } from './env.js';
import { memArg, ret, u32Arg } from './args.js';
import type { XdpHelper } from './env.js';
import { formatPrintk } from './printk-format.js';

const EINVAL = -22;
/** MAX_TRACE_PRINTK_VARARGS and MAX_BPRINTF_VARARGS (include/linux/bpf.h) */
const PRINTK_ARGS = 3;
const VPRINTK_ARGS = 12;
/** the most bytes of a %s argument the kernel copies (its temporary buffer) */
const MAX_STRING = 512;

/** Lines printed during the current run, per host (read and cleared by takeTrace). */
const lines = new WeakMap<XdpEnv, string[]>();

/** The lines bpf_trace_printk printed since the last call, oldest first; clears them. */
export function takeTrace(h: XdpEnv): string[] {
  const out = lines.get(h) ?? [];
  lines.delete(h);
  return out;
}

const reg64 = (m: Machine, r: number): bigint => (BigInt(m.H[r] >>> 0) << 32n) | BigInt(m.L[r] >>> 0);

/** The NUL-terminated string at a simulated pointer, '' when the address is not readable memory. */
function readString(m: Machine, ptr: bigint): string {
  const hi = Number(ptr >> 32n) | 0;
  const lo = Number(ptr & 0xffffffffn) | 0;
  const s = m.mem.span(hi, lo, 1, false);
  if (!s) return '';
  const end = Math.min(s.region.end, s.at + MAX_STRING);
  let text = '';
  for (let i = s.at; i < end && s.buf[i] !== 0; i++) text += String.fromCharCode(s.buf[i]);
  return text;
}

/** The format string: `size` readable bytes with a NUL among them, or undefined (trap or EINVAL set). */
function readFormat(m: Machine, size: number, helper: string, pc: number): string | undefined {
  const bytes = memArg(m, 1, size, false, helper, pc);
  if (!bytes) return undefined;
  const nul = bytes.indexOf(0);
  if (nul < 0) {
    ret(m, EINVAL);
    return undefined;
  }
  return String.fromCharCode(...bytes.subarray(0, nul));
}

function print(m: Machine, h: XdpEnv, fmt: string, args: bigint[], helper: string, pc: number): void {
  const r = formatPrintk(fmt, args, (p) => readString(m, p));
  if (r.ok) {
    const list = lines.get(h) ?? [];
    list.push(r.text);
    lines.set(h, list);
    ret(m, r.length);
  } else if ('unsupported' in r) m.fail('unsupported-helper', `${helper}: the conversion ${r.unsupported} is not implemented`, pc);
  else ret(m, EINVAL);
}

export const tracePrintk: XdpHelper = (m, h, pc) => {
  const fmt = readFormat(m, u32Arg(m, 2), 'bpf_trace_printk', pc);
  if (fmt !== undefined) print(m, h, fmt, Array.from({ length: PRINTK_ARGS }, (_, i) => reg64(m, 3 + i)), 'bpf_trace_printk', pc);
};

export const traceVprintk: XdpHelper = (m, h, pc) => {
  const dataLen = u32Arg(m, 4);
  const nullData = m.H[3] === 0 && m.L[3] === 0;
  if (dataLen % 8 !== 0 || dataLen > VPRINTK_ARGS * 8 || (dataLen > 0 && nullData)) {
    ret(m, EINVAL);
    return;
  }
  const fmt = readFormat(m, u32Arg(m, 2), 'bpf_trace_vprintk', pc);
  if (fmt === undefined) return;
  const data = dataLen === 0 ? new Uint8Array(0) : memArg(m, 3, dataLen, false, 'bpf_trace_vprintk', pc);
  if (!data) return;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const args = Array.from({ length: dataLen / 8 }, (_, i) => view.getBigUint64(i * 8, true));
  print(m, h, fmt, args, 'bpf_trace_vprintk', pc);
};
