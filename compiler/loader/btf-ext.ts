// The .BTF.ext section's line info (what `clang -g` writes, what `llvm-objdump -S` and `bpftool
// prog dump` print): for each code section, the instruction slots where a source line starts.
// Func info and CO-RE relocations are skipped (their offsets are checked, their records not read).

import type { Btf } from './btf.js';
import { FormatError, Reader } from './bytes.js';
import type { SourceLine } from './types.js';

const BTF_MAGIC = 0xeb9f;
/** magic, version, flags, hdr_len, func_info off/len, line_info off/len */
const MIN_HDR = 24;
/** insn_off, file_name_off, line_off, line_col: the fields this reader uses */
const MIN_LINE_REC = 16;

/** A line-info record: the slot (in its section) where `line` starts. */
export interface LineEntry {
  readonly slot: number;
  readonly line: SourceLine;
}

/** Line info by code section name, each list in the file's order. */
export function parseLineInfo(bytes: Uint8Array, btf: Btf): Map<string, LineEntry[]> {
  const r = new Reader(bytes);
  if (bytes.length < MIN_HDR || r.u16(0) !== BTF_MAGIC) throw new FormatError('.BTF.ext section has no BTF.ext header (magic 0xeb9f)');
  const hdrLen = r.u32(4);
  if (hdrLen < MIN_HDR) throw new FormatError(`.BTF.ext header length ${hdrLen} is shorter than ${MIN_HDR} bytes`);
  const off = hdrLen + r.u32(16);
  const len = r.u32(20);
  r.check(off, len, '.BTF.ext line info');
  const out = new Map<string, LineEntry[]>();
  if (len === 0) return out;
  const recSize = r.u32(off);
  if (recSize < MIN_LINE_REC) throw new FormatError(`.BTF.ext line info record size ${recSize} is smaller than ${MIN_LINE_REC}`);
  const end = off + len;
  for (let o = off + 4; o < end; ) {
    r.check(o, 8, '.BTF.ext line info section header');
    const section = btf.str(r.u32(o));
    const count = r.u32(o + 4);
    o += 8;
    if (count * recSize > end - o) throw new FormatError(`.BTF.ext line info for ${section}: ${count} records run past the line info`);
    const list = out.get(section) ?? [];
    for (let i = 0; i < count; i++, o += recSize) list.push(entry(r, o, btf, section));
    out.set(section, list);
  }
  return out;
}

function entry(r: Reader, o: number, btf: Btf, section: string): LineEntry {
  const byte = r.u32(o);
  if (byte % 8 !== 0) throw new FormatError(`.BTF.ext line info for ${section}: instruction offset ${byte} is not a multiple of 8`);
  const lineCol = r.u32(o + 12);
  // line_col: line number in the high 22 bits, column in the low 10 (linux/btf.h BPF_LINE_INFO_*)
  return { slot: byte / 8, line: { file: btf.str(r.u32(o + 4)), line: lineCol >>> 10, col: lineCol & 0x3ff, text: btf.str(r.u32(o + 8)) } };
}
