// Writing pcap files: PcapWriter buffers records into large chunks and streams them to a temp
// file that `close()` renames over the target (simulator/io/atomic.ts); `abort()` leaves the
// target untouched. writePcapFile writes a small list of records the same way.

import { AtomicFile } from '../io/atomic.js';
import { DEFAULT_SNAPLEN, RECORD_HEADER_LEN, encodeGlobalHeader, encodeRecordHeader } from './format.js';
import type { PcapRecord, WriteOptions } from './format.js';

const CHUNK = 4 << 20;

export class PcapWriter {
  /** records written */
  count = 0;
  /** bytes written to the file, headers included */
  bytes = 0;
  private buf = new Uint8Array(CHUNK);
  private view = new DataView(this.buf.buffer);
  private used = 0;

  private constructor(private readonly file: AtomicFile, private readonly opts: WriteOptions, private readonly snaplen: number) {
    this.put(encodeGlobalHeader(opts));
  }

  /** Opens `<path>.tmp-<pid>-<rand>` for writing; nothing appears under `path` before close(). */
  static async create(path: string, opts: WriteOptions = {}): Promise<PcapWriter> {
    const snaplen = opts.snaplen ?? DEFAULT_SNAPLEN;
    if (!Number.isInteger(snaplen) || snaplen < 1 || snaplen > 0x7fffffff) throw new RangeError(`bad snaplen ${snaplen}`);
    return new PcapWriter(await AtomicFile.open(path), opts, snaplen);
  }

  get path(): string {
    return this.file.target;
  }

  get tempPath(): string {
    return this.file.tempPath;
  }

  /** Appends one frame; frames longer than the snaplen are cut (origLen keeps the length). */
  async write(data: Uint8Array, tsSec = 0, tsNsec = 0, origLen = data.length): Promise<void> {
    const caplen = Math.min(data.length, this.snaplen);
    if (origLen < caplen) throw new RangeError(`origLen ${origLen} below the captured length ${caplen}`);
    if (this.used + RECORD_HEADER_LEN + caplen > this.buf.length) await this.flush();
    if (RECORD_HEADER_LEN + caplen > this.buf.length) {
      this.buf = new Uint8Array(RECORD_HEADER_LEN + caplen);
      this.view = new DataView(this.buf.buffer);
    }
    encodeRecordHeader(this.view, this.used, this.opts, tsSec, tsNsec, caplen, origLen);
    this.used += RECORD_HEADER_LEN;
    this.bytes += RECORD_HEADER_LEN;
    this.put(caplen === data.length ? data : data.subarray(0, caplen));
    this.count++;
  }

  writeRecord(r: PcapRecord): Promise<void> {
    return this.write(r.data, r.tsSec, r.tsNsec, r.origLen);
  }

  /** Flushes, closes and renames the temp file over the target. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } catch (e) {
      await this.file.abort();
      throw e;
    }
    await this.file.commit();
  }

  /** Removes the temp file; the target keeps whatever it had. */
  abort(): Promise<void> {
    return this.file.abort();
  }

  private put(b: Uint8Array): void {
    this.buf.set(b, this.used);
    this.used += b.length;
    this.bytes += b.length;
  }

  private async flush(): Promise<void> {
    if (this.used === 0) return;
    // Callers await write(), so the buffer is not touched until the chunk is on its way.
    const n = this.used;
    this.used = 0;
    await this.file.write(this.buf.subarray(0, n));
  }
}

/** Writes `records` to `path` atomically. */
export async function writePcapFile(path: string, records: Iterable<PcapRecord>, opts: WriteOptions = {}): Promise<void> {
  const w = await PcapWriter.create(path, opts);
  try {
    for (const r of records) await w.writeRecord(r);
  } catch (e) {
    await w.abort();
    throw e;
  }
  await w.close();
}
