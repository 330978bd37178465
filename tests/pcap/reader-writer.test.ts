// The pcap reader and writer against hand-built files of all four variants (classic and
// nanosecond magic, both byte orders): same records from every reader, same bytes from the
// writer, and one clear PcapError for each kind of damage.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { PcapError, PcapReader, PcapWriter, parsePcap, readPcapFile, writePcapFile } from '../../simulator/pcap/index.js';
import type { PcapRecord } from '../../simulator/pcap/index.js';
import { handPcap, sampleRecords, VARIANTS } from './handmade.js';

const dir = mkdtempSync(join(tmpdir(), 'xdp2hw-pcap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Feeds `bytes` as a stream of `n`-byte chunks, so records straddle chunk boundaries. */
function chunked(bytes: Uint8Array, n: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += n) parts.push(Buffer.from(bytes.subarray(i, i + n)));
  return Readable.from(parts);
}

async function readAll(src: string | Readable, opts = {}): Promise<PcapRecord[]> {
  const out: PcapRecord[] = [];
  for await (const r of new PcapReader(src, opts)) out.push(r);
  return out;
}

function expected(nano: boolean): PcapRecord[] {
  return sampleRecords(nano).map((r) => ({ tsSec: r.sec, tsNsec: nano ? r.frac : r.frac * 1000, data: Uint8Array.from(r.data), origLen: r.data.length }));
}

describe.each(VARIANTS)('$name', ({ nano, bigEndian }) => {
  const bytes = handPcap({ nano, bigEndian, records: sampleRecords(nano) });
  const file = join(dir, `v-${nano}-${bigEndian}.pcap`);
  writeFileSync(file, bytes);

  it('parsePcap and readPcapFile read the header and records', () => {
    const { header, records } = parsePcap(bytes);
    expect(header).toMatchObject({ nano, bigEndian, versionMajor: 2, versionMinor: 4, snaplen: 65535, linkType: 1 });
    expect(records).toEqual(expected(nano));
    expect(readPcapFile(file)).toEqual(expected(nano));
  });

  it('PcapReader streams the same records from a path and from a stream cut every 1, 7 and 61 bytes', async () => {
    expect(await readAll(file)).toEqual(expected(nano));
    for (const n of [1, 7, 61]) expect(await readAll(chunked(bytes, n))).toEqual(expected(nano));
  });

  it('PcapWriter writes exactly the hand-built bytes, and they read back', async () => {
    const out = join(dir, `w-${nano}-${bigEndian}.pcap`);
    await writePcapFile(out, expected(nano), { nano, bigEndian });
    expect(new Uint8Array(readFileSync(out))).toEqual(bytes);
    expect(readPcapFile(out)).toEqual(expected(nano));
  });
});

describe('damaged files end in one PcapError naming the record', () => {
  const rec = (data: number[], extra = {}) => ({ sec: 1, frac: 2, data, ...extra });
  const cases: { name: string; bytes: Uint8Array; index: number | undefined; why: RegExp }[] = [
    { name: 'empty file', bytes: new Uint8Array(0), index: undefined, why: /too short for a pcap header \(0 of 24/ },
    { name: 'short header', bytes: handPcap({ nano: false, bigEndian: false, records: [] }).subarray(0, 10), index: undefined, why: /10 of 24/ },
    { name: 'bad magic', bytes: handPcap({ nano: false, bigEndian: false, magic: 0x12345678, records: [] }), index: undefined, why: /not a pcap file \(magic 78563412\)/ },
    { name: 'pcapng', bytes: Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a, ...new Array(28).fill(0)]), index: undefined, why: /pcapng is not supported/ },
    { name: 'link type 113', bytes: handPcap({ nano: false, bigEndian: true, linkType: 113, records: [] }), index: undefined, why: /link type 113 \(Linux cooked \(SLL\)\) is not supported: only Ethernet/ },
    { name: 'record header cut at EOF', bytes: handPcap({ nano: false, bigEndian: false, records: [rec([1, 2]), rec([3])] }).subarray(0, 24 + 18 + 5), index: 1, why: /truncated record header at end of file \(5 of 16 bytes\)/ },
    { name: 'record data cut at EOF', bytes: handPcap({ nano: true, bigEndian: true, records: [rec([1, 2, 3, 4])] }).subarray(0, 24 + 16 + 3), index: 0, why: /truncated record at end of file \(3 of 4 bytes\)/ },
    { name: 'caplen over the snaplen', bytes: handPcap({ nano: false, bigEndian: false, snaplen: 64, records: [rec([]), rec(new Array(65).fill(0))] }), index: 1, why: /captured length 65 exceeds the snaplen 64/ },
    { name: 'caplen over 256 KiB', bytes: handPcap({ nano: false, bigEndian: false, snaplen: 0x7fffffff, records: [rec([], { caplen: 0x7ffffff0, origLen: 0x7ffffff0 })] }), index: 0, why: /captured length 2147483632 exceeds 262144 bytes/ },
    { name: 'caplen over origLen', bytes: handPcap({ nano: false, bigEndian: false, records: [rec([1, 2, 3], { origLen: 2 })] }), index: 0, why: /captured length 3 exceeds the original length 2/ },
    { name: 'microseconds ≥ 1e6', bytes: handPcap({ nano: false, bigEndian: false, records: [{ sec: 1, frac: 1_000_000, data: [] }] }), index: 0, why: /fraction 1000000 is not below 1000000/ },
  ];

  for (const c of cases) {
    it(`${c.name}: in memory and streamed`, async () => {
      const file = join(dir, `bad-${c.name.replace(/\W+/g, '-')}.pcap`);
      writeFileSync(file, c.bytes);
      const check = (e: unknown) => {
        expect(e).toBeInstanceOf(PcapError);
        const pe = e as PcapError;
        expect(pe.recordIndex).toBe(c.index);
        expect(pe.message).toMatch(c.why);
        expect(pe.message.startsWith(`${file}: ${c.index === undefined ? '' : `record ${c.index}: `}`)).toBe(true);
        expect(pe.message).not.toContain('\n');
      };
      let thrown: unknown;
      try {
        readPcapFile(file);
      } catch (e) {
        thrown = e;
      }
      check(thrown);
      thrown = undefined;
      try {
        await readAll(file);
      } catch (e) {
        thrown = e;
      }
      check(thrown);
    });
  }

  it('a file that does not exist is a PcapError, streamed or not', async () => {
    await expect(readAll(join(dir, 'missing.pcap'))).rejects.toThrow(/missing\.pcap: no such file$/);
    expect(() => readPcapFile(join(dir, 'missing.pcap'))).toThrow(PcapError);
  });
});

describe('writer and reader options', () => {
  it('the writer cuts frames to the snaplen and keeps the original length', async () => {
    const out = join(dir, 'snap.pcap');
    const w = await PcapWriter.create(out, { snaplen: 100 });
    await w.write(new Uint8Array(200).fill(7), 5, 6000);
    await w.write(new Uint8Array(50).fill(8), 5, 7000);
    await w.close();
    const { header, records } = parsePcap(readFileSync(out));
    expect(header.snaplen).toBe(100);
    expect(records.map((r) => [r.data.length, r.origLen, r.tsNsec])).toEqual([[100, 200, 6000], [50, 50, 7000]]);
    expect(w.bytes).toBe(24 + 16 + 100 + 16 + 50);
  });

  it('microsecond files keep microseconds: nanoseconds are truncated on write', async () => {
    const out = join(dir, 'micro.pcap');
    await writePcapFile(out, [{ tsSec: 3, tsNsec: 123456789, data: new Uint8Array(60), origLen: 60 }]);
    expect(readPcapFile(out)[0].tsNsec).toBe(123456000);
  });

  it('--max-packets: the reader stops early and releases the file', async () => {
    const out = join(dir, 'many.pcap');
    await writePcapFile(out, Array.from({ length: 1000 }, (_, i) => ({ tsSec: i, tsNsec: 0, data: new Uint8Array(64).fill(i & 0xff), origLen: 64 })));
    const r = new PcapReader(out, { maxPackets: 10, chunkSize: 256 });
    const got = [];
    for await (const rec of r) got.push(rec.tsSec);
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(r.bytesRead).toBe(24 + 10 * 80);
    let n = 0;
    for await (const _ of new PcapReader(out)) if (++n === 3) break;
    expect(n).toBe(3);
  });

  it('records returned are copies, not views of the read buffer', async () => {
    const out = join(dir, 'copies.pcap');
    await writePcapFile(out, Array.from({ length: 50 }, (_, i) => ({ tsSec: i, tsNsec: 0, data: new Uint8Array(100).fill(i), origLen: 100 })));
    const recs = await readAll(out, { chunkSize: 1000 });
    expect(recs.every((r, i) => r.data.every((b) => b === i) && r.data.byteLength === r.data.buffer.byteLength)).toBe(true);
  });
});
