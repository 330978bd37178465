// The 1 GB streaming check: writes a large pcap fast (big buffered chunks of a few real frames)
// and streams it through PcapReader into the interpreter in a child process (stream-child.ts),
// which reports peak RSS and packets/s. Run directly (`npm run stream-test`) for the full run.

import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeGlobalHeader, encodeRecordHeader, RECORD_HEADER_LEN } from '../../simulator/pcap/format.js';
import { generateTraffic, loadTrafficSpec } from '../../simulator/traffic/index.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import type { StreamReport } from './stream-child.js';

export const GB = 1 << 30;
export const RSS_LIMIT = 512 << 20;
export const PROGRAM = 'xdp1';
const CHUNK = 8 << 20;
const CHILD = fileURLToPath(new URL('./stream-child.ts', import.meta.url));

/** One chunk of records of the program's own traffic, repeated to fill `target` bytes; returns packets and frame bytes. */
export function writeBigPcap(path: string, target: number): { packets: number; bytes: number; fileBytes: number } {
  const frames = [...generateTraffic(loadTrafficSpec(join(PROGRAMS_DIR, PROGRAM, 'traffic.json')), { packets: 256 })].map((p) => p.data);
  const chunk = new Uint8Array(CHUNK + 2048);
  const view = new DataView(chunk.buffer);
  let used = 0;
  let perChunk = 0;
  let frameBytes = 0;
  for (let i = 0; used < CHUNK; i++) {
    const f = frames[i % frames.length];
    encodeRecordHeader(view, used, {}, 1700000000 + (i >> 10), (i & 1023) * 1000, f.length, f.length);
    chunk.set(f, used + RECORD_HEADER_LEN);
    used += RECORD_HEADER_LEN + f.length;
    perChunk++;
    frameBytes += f.length;
  }
  const fd = openSync(path, 'w');
  let written = 0;
  let chunks = 0;
  try {
    written += writeSync(fd, encodeGlobalHeader({}));
    for (; written < target; chunks++) written += writeSync(fd, chunk, 0, used);
  } finally {
    closeSync(fd);
  }
  return { packets: perChunk * chunks, bytes: frameBytes * chunks, fileBytes: written };
}

/** Streams `pcap` through the program in a child process; every `every`-th packet runs. */
export function streamInChild(pcap: string, every: number): StreamReport {
  const obj = join(PROGRAMS_DIR, PROGRAM, `${PROGRAM}.o`);
  const maps = join(PROGRAMS_DIR, PROGRAM, 'maps.json');
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, pcap, obj, String(every), maps], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`the streaming child failed (exit ${r.status}, ${r.signal ?? 'no signal'}): ${r.stderr.slice(0, 2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as StreamReport;
}

export function describeReport(r: StreamReport, every: number): string {
  const mb = (r.maxRssBytes / 2 ** 20).toFixed(1);
  const what = every === 1 ? 'every packet' : `every ${every}th packet (${r.run})`;
  return `streamed ${r.packets} packets (${(r.bytes / 2 ** 20).toFixed(0)} MiB of frames) through ${PROGRAM} on ${what} in ${r.seconds.toFixed(1)} s: `
    + `${Math.round(r.packetsPerSec)} interpreted packets/s, ${Math.round(r.packets / r.seconds)} packets/s read, peak RSS ${mb} MB, `
    + `actions ${JSON.stringify(r.actions)}, ${r.refused} runts refused`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const every = Number(process.argv[2] ?? '1');
  const dir = mkdtempSync(join(tmpdir(), 'xdp2hw-stream-'));
  try {
    const t0 = performance.now();
    const made = writeBigPcap(join(dir, 'big.pcap'), GB);
    console.log(`wrote ${(made.fileBytes / 2 ** 30).toFixed(2)} GiB, ${made.packets} packets, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const r = streamInChild(join(dir, 'big.pcap'), every);
    console.log(describeReport(r, every));
    if (r.packets !== made.packets || r.maxRssBytes >= RSS_LIMIT) {
      console.error(`FAILED: ${r.packets} of ${made.packets} packets, peak RSS limit ${RSS_LIMIT / 2 ** 20} MB`);
      process.exitCode = 1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
