// Bounds-checked little-endian reads over an input file. Every read checks its range first, so a
// lying header field gives a FormatError, never an out-of-range read or an allocation it sized.

/** A malformed input, before the file name is known; loader/index.ts turns it into a LoadError. */
export class FormatError extends Error {
  /** what is wrong, on one line: control characters from the file (a section or symbol name read
   *  from damaged bytes may hold a newline) are shown escaped, e.g. \\n */
  readonly why: string;

  constructor(
    why: string,
    /** the instruction (slot) index where it applies */
    readonly index?: number,
  ) {
    const line = oneLine(why);
    super(line);
    this.why = line;
    this.name = 'FormatError';
  }
}

const UTF8 = new TextDecoder();

export class Reader {
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get size(): number {
    return this.bytes.length;
  }

  /** Throws unless [off, off + len) lies inside the bytes; `what` names the range in the error. */
  check(off: number, len: number, what: string): void {
    if (!Number.isSafeInteger(off) || !Number.isSafeInteger(len) || off < 0 || len < 0 || off + len > this.size)
      throw new FormatError(`${what} (bytes ${off}..${off + len}) extends past the end of the data (${this.size} bytes)`);
  }

  u8(off: number): number {
    this.check(off, 1, 'read');
    return this.view.getUint8(off);
  }

  u16(off: number): number {
    this.check(off, 2, 'read');
    return this.view.getUint16(off, true);
  }

  u32(off: number): number {
    this.check(off, 4, 'read');
    return this.view.getUint32(off, true);
  }

  i32(off: number): number {
    this.check(off, 4, 'read');
    return this.view.getInt32(off, true);
  }

  /** A u64 that must fit a JavaScript number exactly (offsets and sizes do). */
  u64(off: number, what: string): number {
    const lo = this.u32(off);
    const hi = this.u32(off + 4);
    if (hi >= 0x200000) throw new FormatError(`${what} is too large (0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')})`);
    return hi * 0x1_0000_0000 + lo;
  }

  /** A view of [off, off + len), checked. */
  slice(off: number, len: number, what: string): Uint8Array {
    this.check(off, len, what);
    return this.bytes.subarray(off, off + len);
  }

  /** The NUL-terminated string at `off`, which must end before `end`. */
  cstr(off: number, end: number, what: string): string {
    if (off < 0 || off >= end || end > this.size) throw new FormatError(`${what}: string offset ${off} is outside its table`);
    const nul = this.bytes.indexOf(0, off);
    if (nul < 0 || nul >= end) throw new FormatError(`${what}: string at offset ${off} is not terminated`);
    return UTF8.decode(this.bytes.subarray(off, nul));
  }
}

/** Control characters (C0, DEL, C1, line and paragraph separators) escaped (\n, \t, \u0085): one line. */
export function oneLine(s: string): string {
  const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
