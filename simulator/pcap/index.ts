// Pcap files: streaming and whole-file reading, atomic streaming writing (docs/TRAFFIC.md).
export { MAGIC, MAX_CAPLEN, LINKTYPE_ETHERNET, PcapError, parseGlobalHeader } from './format.js';
export type { PcapHeader, PcapRecord, WriteOptions } from './format.js';
export { PcapReader, parsePcap, readPcapFile } from './reader.js';
export type { ReaderOptions } from './reader.js';
export { PcapWriter, writePcapFile } from './writer.js';
export { PcapSummary, classifyFrame, summarizePcap } from './summary.js';
export type { FrameClass } from './summary.js';
