// The format language of bpf_trace_printk / bpf_trace_vprintk: the subset the kernel's
// bpf_bprintf_prepare accepts (kernel/bpf/helpers.c), rendered as its bstr_printf renders it.
// Pure: arguments come in as 64-bit values, strings through a reader; memory is the caller's.

/** The longest message the kernel keeps (MAX_BPRINTF_BUF less the NUL). */
export const MAX_MESSAGE = 1023;

export type FormatResult =
  | { readonly ok: true; readonly text: string; readonly length: number }
  /** the kernel refuses the format (the helper returns -EINVAL) */
  | { readonly ok: false; readonly einval: string }
  /** a conversion the kernel accepts but this model does not render (e.g. %pI4) */
  | { readonly ok: false; readonly unsupported: string };

interface Spec {
  left: boolean;
  zero: boolean;
  plus: boolean;
  space: boolean;
  width: number;
}

const M64 = (1n << 64n) - 1n;

/** Pads `body` (with its sign prefix kept in front of zeros) to the spec's width. */
function pad(spec: Spec, sign: string, body: string, zeroOk: boolean): string {
  const len = sign.length + body.length;
  if (len >= spec.width) return sign + body;
  const fill = spec.width - len;
  if (spec.left) return sign + body + ' '.repeat(fill);
  if (spec.zero && zeroOk) return sign + '0'.repeat(fill) + body;
  return ' '.repeat(fill) + sign + body;
}

/** An integer conversion: `bits` 32 or 64; conv d/i (signed), u, x, X. */
function integer(spec: Spec, raw: bigint, bits: 32 | 64, conv: string): string {
  const v = raw & ((1n << BigInt(bits)) - 1n);
  if (conv === 'd' || conv === 'i') {
    const signed = BigInt.asIntN(bits, v);
    const sign = signed < 0n ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
    return pad(spec, sign, (signed < 0n ? -signed : signed).toString(), true);
  }
  const text = conv === 'u' ? v.toString() : conv === 'x' ? v.toString(16) : v.toString(16).toUpperCase();
  return pad(spec, '', text, true);
}

/** Reads the flags and width after '%' from `fmt` at `i`; returns the spec and the next index. */
function readSpec(fmt: string, i: number): [Spec, number] {
  const spec: Spec = { left: false, zero: false, plus: false, space: false, width: 0 };
  for (;; i++) {
    const c = fmt[i];
    if (c === '-') spec.left = true;
    else if (c === '0') spec.zero = true;
    else if (c === '+') spec.plus = true;
    else if (c === ' ') spec.space = true;
    else break;
  }
  while (i < fmt.length && fmt[i] >= '0' && fmt[i] <= '9') spec.width = spec.width * 10 + Number(fmt[i++]);
  return [spec, i];
}

const printable = (code: number): boolean => (code >= 0x20 && code < 0x7f) || (code >= 9 && code <= 13);
const isPunctOrSpace = (c: string | undefined): boolean => c === undefined || /[\s!-/:-@[-`{-~]/.test(c);

/**
 * Formats `fmt` with `args` (raw 64-bit values); `str(arg)` reads a NUL-terminated string at a
 * pointer argument ('' when it cannot, as the kernel prints nothing then).
 */
export function formatPrintk(fmt: string, args: readonly bigint[], str: (arg: bigint) => string): FormatResult {
  let out = '';
  let n = 0;
  for (let i = 0; i < fmt.length; i++) {
    const code = fmt.charCodeAt(i);
    if (!printable(code)) return { ok: false, einval: `byte 0x${code.toString(16)} at ${i} of the format is not printable` };
    if (fmt[i] !== '%') {
      out += fmt[i];
      continue;
    }
    if (fmt[i + 1] === '%') {
      out += '%';
      i++;
      continue;
    }
    if (n >= args.length) return { ok: false, einval: `more conversions than the ${args.length} arguments` };
    const [spec, j] = readSpec(fmt, i + 1);
    const arg = args[n++] & M64;
    const conv = fmt[j];
    i = j;
    if (conv === 'p') {
      const next = fmt[j + 1];
      if (next === 'x' || next === 'K') i++;
      else if (/^(?:[ku]s|B|[iI][46])/.test(fmt.slice(j + 1))) return { ok: false, unsupported: `%${fmt.slice(j, j + 3)}` };
      else if (!isPunctOrSpace(next)) return { ok: false, einval: `unknown conversion %p${next}` };
      out += pad({ ...spec, zero: true }, '', arg.toString(16).padStart(16, '0'), true);
    } else if (conv === 's') out += pad(spec, '', str(arg), false);
    else if (conv === 'c') out += pad(spec, '', String.fromCharCode(Number(arg & 0xffn)), false);
    else {
      let bits: 32 | 64 = 32;
      if (fmt[i] === 'l') {
        bits = 64;
        i++;
        if (fmt[i] === 'l') i++;
      }
      const c = fmt[i];
      if (c === undefined || !'diuxX'.includes(c)) return { ok: false, einval: `unknown conversion %${fmt.slice(j, i + 1)}` };
      out += integer(spec, arg, bits, c);
    }
  }
  return { ok: true, text: out.slice(0, MAX_MESSAGE), length: out.length };
}
