// Pcap bytes built by hand for the tests, field by field, independently of simulator/pcap's encoder.

export interface HandRecord {
  sec: number;
  /** microseconds or nanoseconds, as the variant says */
  frac: number;
  data: number[];
  /** defaults to data.length */
  caplen?: number;
  origLen?: number;
}

export interface HandFile {
  nano: boolean;
  bigEndian: boolean;
  snaplen?: number;
  linkType?: number;
  magic?: number;
  records: HandRecord[];
}

function u32(v: number, be: boolean): number[] {
  const b = [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
  return be ? b.reverse() : b;
}

function u16(v: number, be: boolean): number[] {
  const b = [v & 0xff, (v >>> 8) & 0xff];
  return be ? b.reverse() : b;
}

export function handPcap(f: HandFile): Uint8Array {
  const be = f.bigEndian;
  const out: number[] = [
    ...u32(f.magic ?? (f.nano ? 0xa1b23c4d : 0xa1b2c3d4), be), ...u16(2, be), ...u16(4, be),
    ...u32(0, be), ...u32(0, be), ...u32(f.snaplen ?? 65535, be), ...u32(f.linkType ?? 1, be),
  ];
  for (const r of f.records) {
    out.push(...u32(r.sec, be), ...u32(r.frac, be), ...u32(r.caplen ?? r.data.length, be), ...u32(r.origLen ?? r.data.length, be), ...r.data);
  }
  return Uint8Array.from(out);
}

export const VARIANTS = [
  { name: 'microseconds, little-endian', nano: false, bigEndian: false },
  { name: 'microseconds, big-endian', nano: false, bigEndian: true },
  { name: 'nanoseconds, little-endian', nano: true, bigEndian: false },
  { name: 'nanoseconds, big-endian', nano: true, bigEndian: true },
] as const;

/** Three records: a 60-byte frame, a 1-byte one and an empty one, with distinct timestamps. */
export function sampleRecords(nano: boolean): HandRecord[] {
  const frame = Array.from({ length: 60 }, (_, i) => (i * 7 + 3) & 0xff);
  return [
    { sec: 1700000000, frac: nano ? 123456789 : 123456, data: frame },
    { sec: 1700000001, frac: nano ? 999999999 : 999999, data: [0xab] },
    { sec: 0xfffffffe, frac: 0, data: [] },
  ];
}
