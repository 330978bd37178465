// A generated 1 GB pcap streams through PcapReader into the interpreter running xdp1, packet by
// packet, in a child process whose peak RSS must stay under 512 MB; prints peak MB and packets/s.
// (`npm run stream-test` runs the same outside vitest.)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeReport, GB, RSS_LIMIT, streamInChild, writeBigPcap } from './stream.js';

const dir = mkdtempSync(join(tmpdir(), 'xdp2hw-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('streams 1 GB through the interpreter with peak RSS under 512 MB', () => {
  const file = join(dir, 'big.pcap');
  const made = writeBigPcap(file, GB);
  expect(made.fileBytes).toBeGreaterThanOrEqual(GB);
  const r = streamInChild(file, 1);
  rmSync(file);
  console.log(describeReport(r, 1));
  expect(r.packets).toBe(made.packets);
  expect(r.bytes).toBe(made.bytes);
  expect(r.run + r.refused).toBe(r.packets);
  expect(r.traps).toBe(0);
  expect(r.maxRssBytes).toBeLessThan(RSS_LIMIT);
}, 900_000);
