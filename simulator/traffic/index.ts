// The traffic generator (docs/TRAFFIC.md): specs in, deterministic frames and pcap files out.
export { compileSpec, deepMerge, loadTrafficSpec } from './spec.js';
export type { CompiledSpec, MixEntry, TrafficSpec } from './spec.js';
export { generateTraffic, writeTrafficPcap } from './generate.js';
export type { GeneratedPacket, GenerateOptions, WriteTrafficOptions } from './generate.js';
export { TrafficSpecError } from './values.js';
export { MALFORMED_KINDS } from './malformed.js';
export type { MalformedKind } from './malformed.js';
export { buildFrame } from './build.js';
export type { Frame, Layout, Packet } from './packet.js';
export { Prng, mixSeed } from './prng.js';
export { Zipf } from './zipf.js';
export { formatIp, formatMac, parseIpv4, parseIpv6, parseMac } from '../net/addr.js';
export { genericSpec } from './generic.js';
export type { GenericOptions } from './generic.js';
