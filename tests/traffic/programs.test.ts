// Every programs/<name>/traffic.json compiles, generates the packets it asks for, and tcpdump
// reads the result without error; a committed traffic.pcap must be what its spec generates
// (regenerate with `xdp2hw traffic --spec programs/<name>/traffic.json --out programs/<name>/traffic.pcap`).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPcapFile } from '../../simulator/pcap/index.js';
import { loadTrafficSpec, writeTrafficPcap } from '../../simulator/traffic/index.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { needs, toolMissing } from '../helpers/tools.js';

const dir = mkdtempSync(join(tmpdir(), 'xdp2hw-programs-traffic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const names = existsSync(PROGRAMS_DIR)
  ? readdirSync(PROGRAMS_DIR).filter((n) => existsSync(join(PROGRAMS_DIR, n, 'traffic.json'))).sort()
  : [];
const noTcpdump = toolMissing('tcpdump');

describe.skipIf(needs(names.length === 0 ? 'no programs/<name>/traffic.json yet' : undefined))('programs/*/traffic.json', () => {
  it.each(names)('%s', async (name) => {
    const spec = loadTrafficSpec(join(PROGRAMS_DIR, name, 'traffic.json'));
    const out = join(dir, `${name}.pcap`);
    const r = await writeTrafficPcap(spec, out);
    expect(r.packets).toBe(spec.packets ?? 1000);
    expect(readPcapFile(out)).toHaveLength(r.packets);
    if (!noTcpdump) {
      const t = spawnSync('tcpdump', ['-nr', out], { encoding: 'utf8', maxBuffer: 64 << 20 });
      expect(t.status).toBe(0);
      expect(t.stderr.trim()).toMatch(/^reading from file [^\n]*$/);
    }
    const committed = join(PROGRAMS_DIR, name, 'traffic.pcap');
    if (existsSync(committed)) {
      expect(readFileSync(committed).equals(readFileSync(out)), `${committed} is stale: regenerate it from traffic.json`).toBe(true);
    }
  });
});
