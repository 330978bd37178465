// Issue 10 item 1: a 33,554,944-entry array map (katran_lb's ch_rings, Katran's size: 128 MiB in
// the kernel) loads and runs its traffic in a child process whose peak resident memory stays under
// 200 MB: the interpreter allocates the ring slots the fixture and the packets touch, not the map.
// The child runs the built library (dist/) and reports getrusage's maxRSS.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROGRAMS_DIR, ROOT } from '../helpers/paths.js';

const RSS_LIMIT_MB = 200;

/** The child: load, fill from maps.json, run every frame of traffic.pcap, report what it used. */
const CHILD = `
const [dist, dir] = process.argv.slice(1);
const { readFileSync } = await import('node:fs');
const { loadFile } = await import(dist + '/compiler/loader/index.js');
const { InterpreterSession } = await import(dist + '/simulator/interpreter/engine.js');
const { parseFixture } = await import(dist + '/simulator/maps/fixture.js');
const { readPcapFile } = await import(dist + '/simulator/pcap/index.js');
const obj = loadFile(dir + '/katran_lb.o');
const fixture = parseFixture(JSON.parse(readFileSync(dir + '/maps.json', 'utf8')));
const s = new InterpreterSession(obj, 'balancer_ingress', fixture);
const actions = {};
let packets = 0;
for (const r of readPcapFile(dir + '/traffic.pcap')) {
  if (r.data.length < 14) continue;
  const a = s.runSync({ packet: r.data }, { snapshot: false }).action;
  actions[a] = (actions[a] ?? 0) + 1;
  packets++;
}
const ring = obj.maps.find((m) => m.name === 'ch_rings');
const listed = s.host.maps.snapshot().ch_rings.length;
console.log(JSON.stringify({ maxEntries: ring.maxEntries, packets, actions, listed, maxRssKb: process.resourceUsage().maxRSS }));
`;

describe('a 33,554,944-entry array map', () => {
  it(`katran_lb runs its traffic with a peak RSS under ${RSS_LIMIT_MB} MB`, () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, join(ROOT, 'dist'), join(PROGRAMS_DIR, 'katran_lb')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout.trim()) as { maxEntries: number; packets: number; actions: Record<string, number>; listed: number; maxRssKb: number };
    const mb = got.maxRssKb / 1024;
    console.log(`katran_lb: ch_rings of ${got.maxEntries} entries, ${got.packets} packets ${JSON.stringify(got.actions)}, ${got.listed} ring slots listed, peak RSS ${mb.toFixed(1)} MB`);
    expect(got.maxEntries).toBe(33_554_944);
    expect(got.packets).toBeGreaterThan(300);
    expect(got.actions.XDP_TX).toBeGreaterThan(100);
    expect(mb).toBeLessThan(RSS_LIMIT_MB);
  });
});
