// Streams a large generated pcap (1 GB by default) through PcapReader in a child process and prints
// generation speed, read throughput and the reader's peak memory. Run:
//   npx tsx bench/pcap-stream.ts [--size 1G] [--file existing.pcap] [--keep]

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PcapReader } from '../simulator/pcap/index.js';
import { genericSpec, writeTrafficPcap } from '../simulator/traffic/index.js';

/** Average record size of the generic mix (frames of 60-1518 B plus the 16-byte header). */
const AVG_RECORD = 805;
const MiB = 2 ** 20;

function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMG]?)$/i.exec(text);
  if (!m) throw new Error(`bad --size ${text} (e.g. 200M, 1G)`);
  return Math.round(Number(m[1]) * { '': 1, K: 2 ** 10, M: MiB, G: 2 ** 30 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G']);
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

/** Child mode: read the file, print counts, time and peak RSS as JSON. */
async function readMode(file: string): Promise<void> {
  const t0 = performance.now();
  let packets = 0;
  let bytes = 0;
  let peakHeap = 0;
  for await (const r of new PcapReader(file)) {
    packets++;
    bytes += r.data.length;
    if ((packets & 0xffff) === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }
  const secs = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ packets, bytes, secs, maxRss: process.resourceUsage().maxRSS * 1024, peakHeap }));
}

async function main(): Promise<void> {
  const read = arg('--read');
  if (read) return readMode(read);
  const dir = mkdtempSync(join(tmpdir(), 'xdp2hw-bench-'));
  let file = arg('--file');
  try {
    if (!file) {
      const size = parseSize(arg('--size') ?? '1G');
      file = join(dir, 'bench.pcap');
      const t0 = performance.now();
      const r = await writeTrafficPcap(genericSpec({ count: Math.ceil(size / AVG_RECORD), seed: 7 }), file);
      const secs = (performance.now() - t0) / 1000;
      console.log(`generated ${r.packets} packets, ${(r.bytes / MiB).toFixed(0)} MiB in ${secs.toFixed(1)} s: `
        + `${(r.bytes / MiB / secs).toFixed(0)} MiB/s, ${(r.packets / secs / 1e3).toFixed(0)} kpkt/s`);
    }
    const self = fileURLToPath(import.meta.url);
    const c = spawnSync(process.execPath, [...process.execArgv, self, '--read', file], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (c.status !== 0) throw new Error(`reader child failed: ${c.stderr}`);
    const g = JSON.parse(c.stdout) as { packets: number; bytes: number; secs: number; maxRss: number; peakHeap: number };
    const fileMiB = statSync(file).size / MiB;
    console.log(`streamed ${g.packets} packets, ${fileMiB.toFixed(0)} MiB in ${g.secs.toFixed(1)} s: `
      + `${(fileMiB / g.secs).toFixed(0)} MiB/s, ${(g.packets / g.secs / 1e3).toFixed(0)} kpkt/s`);
    console.log(`reader peak memory: maxRSS ${(g.maxRss / MiB).toFixed(1)} MiB, peak heap ${(g.peakHeap / MiB).toFixed(1)} MiB`);
  } finally {
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${file}`);
  }
}

await main();
