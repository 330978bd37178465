// Fuzz harness: pcap files. PcapWriter's output in all four variants (µs/ns × LE/BE), snaplen-cut
// and empty, mutated by header and record fields (magic, version, snaplen, link type, timestamps,
// caplen, origLen), cuts at record boundaries and random bytes. Each input is read by the streaming
// PcapReader (in random chunk sizes) and by parsePcap, summarized, and the two must agree.

import { Readable } from 'node:stream';
import fc from 'fast-check';
import { PcapReader, PcapSummary, parsePcap } from '../../simulator/pcap/index.js';
import type { PcapRecord } from '../../simulator/pcap/index.js';
import type { FuzzInput, Harness } from './harness.js';
import { applyByte, byteMutation, describeByte, INTERESTING, pick, writeInt } from './mutate.js';
import type { ByteMutation } from './mutate.js';
import { judge } from './oracle.js';
import type { Verdict } from './oracle.js';
import { pcapSeeds } from './seeds.js';

const NAME = 'fuzz.pcap';
const GLOBAL: [string, number, number][] = [['magic', 0, 4], ['version_major', 4, 2], ['version_minor', 6, 2], ['snaplen', 16, 4], ['linktype', 20, 4]];
const RECORD: [string, number, number][] = [['ts_sec', 0, 4], ['ts_frac', 4, 4], ['caplen', 8, 4], ['orig_len', 12, 4]];
const MAGICS = [0xa1b2c3d4n, 0xa1b23c4dn, 0xd4c3b2a1n, 0x4d3cb2a1n, 0x0a0d0d0an, 0xa1b2cd34n];

interface Layout {
  readonly bigEndian: boolean;
  /** [name, offset, width] of every header field */
  readonly fields: [string, number, number][];
  /** record starts, and the end */
  readonly cuts: number[];
}

function layout(b: Uint8Array): Layout {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const bigEndian = v.getUint32(0, true) !== 0xa1b2c3d4 && v.getUint32(0, true) !== 0xa1b23c4d;
  const fields: [string, number, number][] = GLOBAL.map(([n, o, w]) => [n, o, w]);
  const cuts = [0, 24];
  for (let off = 24, k = 0; off + 16 <= b.length; k++) {
    for (const [n, o, w] of RECORD) fields.push([`rec${k}.${n}`, off + o, w]);
    off += 16 + v.getUint32(off + 8, !bigEndian);
    cuts.push(off - 1, off);
  }
  return { bigEndian, fields, cuts };
}

type PcapMutation =
  | readonly ['field', number, number, bigint, boolean]
  | readonly ['cut', number, number]
  | readonly ['bytes', ByteMutation];

const mutation: fc.Arbitrary<PcapMutation> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constant('field' as const), fc.nat(), fc.nat({ max: 4 }), fc.bigInt({ min: 0n, max: 0xffffffffn }), fc.boolean()) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('cut' as const), fc.nat(), fc.integer({ min: -17, max: 17 })) },
  { weight: 2, arbitrary: byteMutation.map((m) => ['bytes', m] as const) },
);

function apply(seed: Uint8Array, l: Layout, muts: readonly PcapMutation[]): Uint8Array {
  let b: Uint8Array = Uint8Array.from(seed);
  for (const m of muts) {
    if (m[0] === 'field') {
      const [name, off, width] = l.fields[m[1] % l.fields.length];
      const r = m[3];
      const v = name === 'magic' && m[2] < 2 ? MAGICS[Number(r % BigInt(MAGICS.length))]
        : m[2] === 0 ? INTERESTING[Number(r % BigInt(INTERESTING.length))]
          : m[2] === 1 ? BigInt(b.length) + (r % 64n) - 32n
            : m[2] === 2 ? 262144n + (r % 8n) - 4n : r;
      writeInt(b, off, width, BigInt.asUintN(width * 8, v), m[4] ? !l.bigEndian : l.bigEndian);
    } else if (m[0] === 'cut') b = b.subarray(0, Math.max(0, Math.min(b.length, l.cuts[m[1] % l.cuts.length] + m[2])));
    else b = applyByte(b, m[1]);
  }
  return b;
}

function describe(l: Layout, m: PcapMutation): string {
  if (m[0] === 'field') return `${l.fields[m[1] % l.fields.length][0]}:s${m[2]}:${m[3].toString(16)}${m[4] ? ':swapped' : ''}`;
  if (m[0] === 'cut') return `cut@${l.cuts[m[1] % l.cuts.length]}${m[2] >= 0 ? '+' : ''}${m[2]}`;
  return describeByte(m[1]);
}

export interface PcapInput {
  readonly bytes: Uint8Array;
  /** chunk sizes the stream delivers the bytes in (cycled) */
  readonly chunks: readonly number[];
}

function* chunked(b: Uint8Array, sizes: readonly number[]): Generator<Uint8Array> {
  for (let off = 0, i = 0; off < b.length; i++) {
    const n = sizes[i % sizes.length];
    yield b.subarray(off, off + n);
    off += n;
  }
}

const digest = (rs: readonly PcapRecord[]): string =>
  rs.map((r) => `${r.tsSec}.${r.tsNsec}/${r.origLen}/${Buffer.from(r.data).toString('base64')}`).join(',');

/** Streams and whole-reads the bytes; both must succeed alike or fail alike (same message). */
async function check(input: PcapInput): Promise<Verdict> {
  const streamed: PcapRecord[] = [];
  const summary = new PcapSummary();
  const a = await judge(async () => {
    for await (const r of new PcapReader(Readable.from(chunked(input.bytes, input.chunks)), { name: NAME })) {
      streamed.push(r);
      summary.add(r);
    }
    summary.toJSON();
  }, NAME);
  let whole: PcapRecord[] = [];
  const b = await judge(() => void (whole = parsePcap(input.bytes, NAME).records), NAME);
  if (a.kind === 'failure') return a;
  if (b.kind === 'failure') return b;
  if (a.kind !== b.kind || (a.kind === 'clean' && b.kind === 'clean' && a.message !== b.message))
    return { kind: 'failure', why: `stream and whole-file readers disagree: ${JSON.stringify(a)} vs ${JSON.stringify(b)}` };
  if (a.kind === 'ok' && digest(streamed) !== digest(whole)) return { kind: 'failure', why: 'stream and whole-file readers return different records' };
  return a;
}

export const pcapHarness: Harness<PcapInput> = {
  format: 'pcap',
  async inputs() {
    const seeds = (await pcapSeeds()).map((s) => ({ ...s, layout: layout(s.value) }));
    const chunks = fc.array(fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 41, max: 70000 })), { minLength: 1, maxLength: 4 });
    return fc.tuple(pick(seeds), fc.array(mutation, { minLength: 1, maxLength: 5 }), chunks).map(([s, muts, ch]): FuzzInput<PcapInput> => ({
      label: `${s.name} ${muts.map((m) => describe(s.layout, m)).join('; ')} chunks ${ch.join(',')}`,
      value: { bytes: apply(s.value, s.layout, muts), chunks: ch },
    }));
  },
  check,
};
