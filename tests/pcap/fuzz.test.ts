// Damaged pcap files either read or end in one PcapError, never another exception, and the
// in-memory and streaming readers agree on which (fast-check mutations of valid files of every
// variant: overwritten bytes, cut lengths, random chunking of the stream).

import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PcapError, PcapReader, parsePcap } from '../../simulator/pcap/index.js';
import type { PcapRecord } from '../../simulator/pcap/index.js';
import { handPcap, sampleRecords, VARIANTS } from './handmade.js';

type Outcome = { ok: PcapRecord[] } | { error: string };

function inMemory(b: Uint8Array): Outcome {
  try {
    return { ok: parsePcap(b, 'f').records };
  } catch (e) {
    if (!(e instanceof PcapError)) throw e;
    return { error: e.message };
  }
}

async function streamed(b: Uint8Array, chunk: number): Promise<Outcome> {
  const parts: Buffer[] = [];
  for (let i = 0; i < b.length; i += chunk) parts.push(Buffer.from(b.subarray(i, i + chunk)));
  const out: PcapRecord[] = [];
  try {
    for await (const r of new PcapReader(Readable.from(parts), { name: 'f' })) out.push(r);
    return { ok: out };
  } catch (e) {
    if (!(e instanceof PcapError)) throw e;
    return { error: e.message };
  }
}

const bases = VARIANTS.map((v) => handPcap({ ...v, snaplen: 128, records: [...sampleRecords(v.nano), ...sampleRecords(v.nano)] }));

describe('damaged pcap files', () => {
  it('read, or one PcapError, the same from both readers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: bases.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.option(fc.nat()),
        fc.integer({ min: 1, max: 64 }),
        async (which, pokes, cutAt, chunk) => {
          const b = Uint8Array.from(bases[which]);
          for (const [at, v] of pokes) b[at % b.length] = v;
          const bytes = cutAt === null ? b : b.subarray(0, cutAt % (b.length + 1));
          const a = inMemory(bytes);
          expect(await streamed(bytes, chunk)).toEqual(a);
          if ('error' in a) expect(a.error).not.toContain('\n');
        },
      ),
      { numRuns: 400, seed: 20261123 },
    );
  });
});
