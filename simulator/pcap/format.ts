// The pcap file format: global header and record header parsing and encoding, shared by the
// streaming reader, the in-memory reader and the writer. Every length is checked before use.

/** One captured frame. `data.length` is the captured length; `origLen` the length on the wire. */
export interface PcapRecord {
  tsSec: number;
  tsNsec: number;
  data: Uint8Array;
  origLen: number;
}

export interface PcapHeader {
  /** true for the nanosecond variant (magic a1b23c4d) */
  nano: boolean;
  bigEndian: boolean;
  versionMajor: number;
  versionMinor: number;
  /** as written in the file (0 is read as "no limit", i.e. MAX_CAPLEN) */
  snaplen: number;
  linkType: number;
}

export const MAGIC = { micro: 0xa1b2c3d4, nano: 0xa1b23c4d } as const;
export const GLOBAL_HEADER_LEN = 24;
export const RECORD_HEADER_LEN = 16;
/** No record may capture more than this, whatever the snaplen says (libpcap's own limit). */
export const MAX_CAPLEN = 256 * 1024;
export const LINKTYPE_ETHERNET = 1;

const LINK_NAMES: Record<number, string> = {
  0: 'BSD loopback', 101: 'raw IP', 105: 'IEEE 802.11', 113: 'Linux cooked (SLL)',
  127: 'IEEE 802.11 radiotap', 228: 'raw IPv4', 229: 'raw IPv6', 276: 'Linux cooked v2 (SLL2)',
};

/** A pcap file that cannot be read: `recordIndex` (0-based) when a record is at fault. */
export class PcapError extends Error {
  constructor(readonly file: string, readonly recordIndex: number | undefined, readonly why: string) {
    super(`${file}: ${recordIndex === undefined ? '' : `record ${recordIndex}: `}${why}`);
    this.name = 'PcapError';
  }
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/** Parses the 24-byte global header at the start of `b`; throws PcapError. */
export function parseGlobalHeader(b: Uint8Array, file: string): PcapHeader {
  if (b.length < GLOBAL_HEADER_LEN) {
    throw new PcapError(file, undefined, `file too short for a pcap header (${b.length} of 24 bytes)`);
  }
  const v = new DataView(b.buffer, b.byteOffset, GLOBAL_HEADER_LEN);
  const le = v.getUint32(0, true);
  const be = v.getUint32(0, false);
  let nano: boolean;
  let bigEndian: boolean;
  if (le === MAGIC.micro || le === MAGIC.nano) [nano, bigEndian] = [le === MAGIC.nano, false];
  else if (be === MAGIC.micro || be === MAGIC.nano) [nano, bigEndian] = [be === MAGIC.nano, true];
  else if (be === 0x0a0d0d0a) throw new PcapError(file, undefined, 'pcapng is not supported (convert: editcap -F pcap in out)');
  else if (le === 0xa1b2cd34 || be === 0xa1b2cd34) throw new PcapError(file, undefined, 'modified (Kuznetzov) pcap is not supported');
  else throw new PcapError(file, undefined, `not a pcap file (magic ${hex8(be)})`);
  const lit = !bigEndian;
  const versionMajor = v.getUint16(4, lit);
  const versionMinor = v.getUint16(6, lit);
  if (versionMajor !== 2) throw new PcapError(file, undefined, `unsupported pcap version ${versionMajor}.${versionMinor}`);
  const snaplen = v.getUint32(16, lit);
  const linkType = v.getUint32(20, lit) & 0xffff;
  if (linkType !== LINKTYPE_ETHERNET) {
    const name = LINK_NAMES[linkType] ? ` (${LINK_NAMES[linkType]})` : '';
    throw new PcapError(file, undefined, `link type ${linkType}${name} is not supported: only Ethernet (1)`);
  }
  return { nano, bigEndian, versionMajor, versionMinor, snaplen, linkType };
}

export interface RecordHeader {
  tsSec: number;
  tsNsec: number;
  caplen: number;
  origLen: number;
}

/** Parses and checks the 16-byte record header at `at` of `v`; throws PcapError. */
export function parseRecordHeader(v: DataView, at: number, h: PcapHeader, file: string, index: number): RecordHeader {
  const lit = !h.bigEndian;
  const tsSec = v.getUint32(at, lit);
  const frac = v.getUint32(at + 4, lit);
  const caplen = v.getUint32(at + 8, lit);
  const origLen = v.getUint32(at + 12, lit);
  const limit = h.nano ? 1e9 : 1e6;
  if (frac >= limit) throw new PcapError(file, index, `timestamp fraction ${frac} is not below ${limit}`);
  if (caplen > MAX_CAPLEN) throw new PcapError(file, index, `captured length ${caplen} exceeds ${MAX_CAPLEN} bytes`);
  if (h.snaplen !== 0 && caplen > h.snaplen) throw new PcapError(file, index, `captured length ${caplen} exceeds the snaplen ${h.snaplen}`);
  if (origLen < caplen) throw new PcapError(file, index, `captured length ${caplen} exceeds the original length ${origLen}`);
  return { tsSec, tsNsec: h.nano ? frac : frac * 1000, caplen, origLen };
}

export interface WriteOptions {
  /** nanosecond timestamps (magic a1b23c4d); default microseconds */
  nano?: boolean;
  bigEndian?: boolean;
  /** default DEFAULT_SNAPLEN */
  snaplen?: number;
}

export const DEFAULT_SNAPLEN = 65535;

export function encodeGlobalHeader(o: WriteOptions): Uint8Array {
  const b = new Uint8Array(GLOBAL_HEADER_LEN);
  const v = new DataView(b.buffer);
  const lit = !o.bigEndian;
  v.setUint32(0, o.nano ? MAGIC.nano : MAGIC.micro, lit);
  v.setUint16(4, 2, lit);
  v.setUint16(6, 4, lit);
  v.setUint32(16, o.snaplen ?? DEFAULT_SNAPLEN, lit);
  v.setUint32(20, LINKTYPE_ETHERNET, lit);
  return b;
}

/** Writes a record header for `caplen` bytes at `at` of `v`. */
export function encodeRecordHeader(
  v: DataView, at: number, o: WriteOptions, tsSec: number, tsNsec: number, caplen: number, origLen: number,
): void {
  const lit = !o.bigEndian;
  v.setUint32(at, tsSec >>> 0, lit);
  v.setUint32(at + 4, o.nano ? tsNsec : Math.floor(tsNsec / 1000), lit);
  v.setUint32(at + 8, caplen, lit);
  v.setUint32(at + 12, origLen, lit);
}
