// Constant memory: a ~200 MB pcap streams through PcapReader in a child process whose peak RSS
// stays under 256 MB and which counts every packet and byte. (bench/pcap-stream.ts does 1 GB.)

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { PcapWriter } from '../../simulator/pcap/index.js';
import { ROOT } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'xdp2hw-mem-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TARGET = 200 << 20;
const LIMIT = 256 << 20;

it('streams a 200 MB pcap with peak RSS below 256 MB', async () => {
  const file = join(dir, 'big.pcap');
  const w = await PcapWriter.create(file, { nano: true });
  const pool = new Uint8Array(2048).map((_, i) => (i * 31) & 0xff);
  let packets = 0;
  let bytes = 0;
  while (w.bytes < TARGET) {
    const len = 60 + ((packets * 7919) % 1459);
    await w.write(pool.subarray(0, len), 1700000000 + (packets >>> 20), packets & 0xfffff);
    packets++;
    bytes += len;
  }
  await w.close();
  expect(statSync(file).size).toBeGreaterThanOrEqual(TARGET);

  const script = join(dir, 'count.mjs');
  const reader = pathToFileURL(join(ROOT, 'dist/simulator/pcap/reader.js')).href;
  writeFileSync(script, `import { PcapReader } from ${JSON.stringify(reader)};
let packets = 0, bytes = 0;
for await (const r of new PcapReader(process.argv[2])) { packets++; bytes += r.data.length; }
console.log(JSON.stringify({ packets, bytes, maxRss: process.resourceUsage().maxRSS * 1024 }));
`);
  const r = spawnSync(process.execPath, [script, file], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  const got = JSON.parse(r.stdout) as { packets: number; bytes: number; maxRss: number };
  console.log(`streamed ${got.packets} packets (${(statSync(file).size / 2 ** 20).toFixed(0)} MiB), peak RSS ${(got.maxRss / 2 ** 20).toFixed(1)} MiB`);
  expect(got).toMatchObject({ packets, bytes });
  expect(got.maxRss).toBeLessThan(LIMIT);
});
