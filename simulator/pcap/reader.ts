// Reading pcap files: PcapReader streams records from a path or a Readable with a bounded buffer
// (one chunk plus one record), so a trace of any size runs in constant memory; readPcapFile and
// parsePcap read small files whole. Neither decodes the frames.

import { createReadStream, readFileSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { readProblem } from '../io/files.js';
import {
  GLOBAL_HEADER_LEN, PcapError, RECORD_HEADER_LEN, parseGlobalHeader, parseRecordHeader,
} from './format.js';
import type { PcapHeader, PcapRecord } from './format.js';

export interface ReaderOptions {
  /** the name used in errors (default: the path, or "<stream>") */
  name?: string;
  /** stop after this many records */
  maxPackets?: number;
  /** read size for paths (default 1 MiB) */
  chunkSize?: number;
}

const EMPTY = new Uint8Array(0);

/** A plain Uint8Array copy of b[start, end) (Buffer#slice would be a view of the whole chunk). */
function copyOf(b: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(b.subarray(start, end));
}

/** Streams the records of a pcap file; iterate once with `for await`. */
export class PcapReader implements AsyncIterable<PcapRecord> {
  readonly name: string;
  /** the file size when reading a path (for progress), else undefined */
  readonly size: number | undefined;
  /** bytes of the input consumed so far (headers and records) */
  bytesRead = 0;
  /** records returned so far */
  count = 0;
  private hdr: PcapHeader | undefined;
  private buf: Uint8Array = EMPTY;
  private pos = 0;
  private chunks: AsyncIterator<Uint8Array> | undefined;
  private stream: Readable | undefined;
  private started = false;
  private closed = false;

  constructor(private readonly source: string | Readable, private readonly opts: ReaderOptions = {}) {
    this.name = opts.name ?? (typeof source === 'string' ? source : '<stream>');
    this.size = typeof source === 'string' ? statSafe(source) : undefined;
  }

  /** The global header, reading it if needed; throws PcapError. */
  async header(): Promise<PcapHeader> {
    if (!this.hdr) {
      if (!(await this.fill(GLOBAL_HEADER_LEN))) {
        throw new PcapError(this.name, undefined, `file too short for a pcap header (${this.buf.length - this.pos} of 24 bytes)`);
      }
      this.hdr = parseGlobalHeader(this.buf.subarray(this.pos, this.pos + GLOBAL_HEADER_LEN), this.name);
      this.advance(GLOBAL_HEADER_LEN);
    }
    return this.hdr;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<PcapRecord> {
    if (this.started) throw new Error('PcapReader: iterate only once');
    this.started = true;
    try {
      const h = await this.header();
      const max = this.opts.maxPackets ?? Infinity;
      while (this.count < max) {
        const rec = await this.next(h);
        if (!rec) return;
        this.count++;
        yield rec;
      }
    } finally {
      this.close();
    }
  }

  /** Stops reading and releases the input. */
  close(): void {
    this.closed = true;
    this.stream?.destroy();
    this.chunks = undefined;
    this.buf = EMPTY;
    this.pos = 0;
  }

  private async next(h: PcapHeader): Promise<PcapRecord | undefined> {
    const index = this.count;
    if (!(await this.fill(RECORD_HEADER_LEN))) {
      const left = this.buf.length - this.pos;
      if (left === 0) return undefined;
      throw new PcapError(this.name, index, `truncated record header at end of file (${left} of 16 bytes)`);
    }
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, RECORD_HEADER_LEN);
    const r = parseRecordHeader(v, 0, h, this.name, index);
    if (!(await this.fill(RECORD_HEADER_LEN + r.caplen))) {
      const got = this.buf.length - this.pos - RECORD_HEADER_LEN;
      throw new PcapError(this.name, index, `truncated record at end of file (${got} of ${r.caplen} bytes)`);
    }
    const start = this.pos + RECORD_HEADER_LEN;
    const data = copyOf(this.buf, start, start + r.caplen);
    this.advance(RECORD_HEADER_LEN + r.caplen);
    return { tsSec: r.tsSec, tsNsec: r.tsNsec, data, origLen: r.origLen };
  }

  private advance(n: number): void {
    this.pos += n;
    this.bytesRead += n;
  }

  /** Ensures `n` unread bytes are buffered; false at end of input with fewer. n ≤ one record. */
  private async fill(n: number): Promise<boolean> {
    while (this.buf.length - this.pos < n) {
      const chunk = await this.pull();
      if (!chunk) return false;
      const left = this.buf.length - this.pos;
      if (left === 0) {
        this.buf = chunk;
      } else {
        const merged = new Uint8Array(left + chunk.length);
        merged.set(this.buf.subarray(this.pos), 0);
        merged.set(chunk, left);
        this.buf = merged;
      }
      this.pos = 0;
    }
    return true;
  }

  private async pull(): Promise<Uint8Array | undefined> {
    if (this.closed) return undefined;
    if (!this.chunks) {
      this.stream = typeof this.source === 'string'
        ? createReadStream(this.source, { highWaterMark: this.opts.chunkSize ?? 1 << 20 })
        : this.source;
      this.chunks = this.stream[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
    }
    let r: IteratorResult<Uint8Array>;
    try {
      r = await this.chunks.next();
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new PcapError(this.name, undefined, readProblem(err));
    }
    if (r.done) return undefined;
    const c = r.value;
    return typeof c === 'string' ? Buffer.from(c, 'latin1') : c;
  }
}

function statSafe(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

/** Parses a whole pcap file held in memory; throws PcapError. */
export function parsePcap(bytes: Uint8Array, name = '<buffer>'): { header: PcapHeader; records: PcapRecord[] } {
  const header = parseGlobalHeader(bytes, name);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: PcapRecord[] = [];
  let off = GLOBAL_HEADER_LEN;
  while (off < bytes.length) {
    const index = records.length;
    if (bytes.length - off < RECORD_HEADER_LEN) {
      throw new PcapError(name, index, `truncated record header at end of file (${bytes.length - off} of 16 bytes)`);
    }
    const r = parseRecordHeader(v, off, header, name, index);
    off += RECORD_HEADER_LEN;
    if (bytes.length - off < r.caplen) {
      throw new PcapError(name, index, `truncated record at end of file (${bytes.length - off} of ${r.caplen} bytes)`);
    }
    records.push({ tsSec: r.tsSec, tsNsec: r.tsNsec, data: copyOf(bytes, off, off + r.caplen), origLen: r.origLen });
    off += r.caplen;
  }
  return { header, records };
}

/** Reads a small pcap file whole; throws PcapError. Use PcapReader for large files. */
export function readPcapFile(path: string): PcapRecord[] {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new PcapError(path, undefined, readProblem(err));
  }
  return parsePcap(bytes, path).records;
}
