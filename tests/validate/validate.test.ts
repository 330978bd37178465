// Translation validation by execution: the optimized corpus programs agree with the originals on a
// few hundred packets (the full run is scripts/validate-corpus.ts), every length from the minimum
// frame is sent, and a wrong program is caught with the packet, the field and the passes named.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lower, walk, withPrograms } from '../../compiler/ir/index.js';
import { loadFile } from '../../compiler/loader/index.js';
import { compileObject } from '../../compiler/pipeline.js';
import { validateTranslation } from '../../cli/validate.js';
import { headerBoundaries } from '../../cli/validate-packets.js';
import { parseFixture } from '../../simulator/maps/fixture.js';
import { readPcapFile } from '../../simulator/pcap/index.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';

const PROGRAMS = ['xdp1', 'xdp2', 'adjust_tail', 'router_ipv4', 'rxq_info', 'tx_ip_tunnel', 'simple_firewall', 'l4lb'];
/** rxq_info's run.json: frames on ifindex 2, spread over its 8 RX queues */
const CTX: Record<string, { ingressIfindexes: number[]; rxQueues: number[] }> = { rxq_info: { ingressIfindexes: [2], rxQueues: [0, 1, 2, 3, 4, 5, 6, 7] } };

function setup(name: string, minFrame: number) {
  const dir = join(PROGRAMS_DIR, name);
  const obj = loadFile(join(dir, `${name}.o`));
  const c = compileObject(obj, { minFrame });
  const fixture = parseFixture(JSON.parse(readFileSync(join(dir, 'maps.json'), 'utf8')), 'maps.json');
  const pcap = readPcapFile(join(dir, 'traffic.pcap')).map((r) => r.data).slice(0, 40);
  return { obj, c, fixture, pcap };
}

describe('translation validation', () => {
  it.each(PROGRAMS)('%s: 0 mismatches (min frame 14: every length the kernel accepts)', async (name) => {
    const { obj, c, fixture, pcap } = setup(name, 14);
    const v = await validateTranslation(obj, c.object, { program: c.original.name, pcap, fixture, packets: 300, minFrame: 14, passes: c.options.passes, ...CTX[name] });
    expect(v.firstMismatch).toBeUndefined();
    expect(v.mismatches).toBe(0);
    expect(v.packets).toBeGreaterThanOrEqual(300);
    expect(v.lengths.min).toBe(14);
    expect(Object.keys(v.sources).sort()).toEqual(['fast-check', 'length', 'pcap', 'truncation']);
  }, 60_000);

  it('a wrong program is caught: the packet, the first differing field and the passes are named', async () => {
    const { obj, c, fixture, pcap } = setup('xdp1', 60);
    // break the optimized program: its drop exit now passes
    for (const s of walk(c.ir)) if (s.insn.insn.kind === 'exit-imm') s.block.insns[s.at] = { ...s.insn, insn: { kind: 'exit-imm', action: 2 } };
    const broken = withPrograms(obj, [lower(c.ir).program]);
    const v = await validateTranslation(obj, broken, { program: c.original.name, pcap, fixture, packets: 200, minFrame: 60, passes: c.options.passes });
    expect(v.mismatches).toBeGreaterThan(0);
    expect(v.firstMismatch).toMatchObject({ field: 'action', original: 'XDP_DROP', optimized: 'XDP_PASS', passes: c.options.passes });
    expect(v.firstMismatch!.source).toMatch(/pcap #|fast-check|truncated|bytes/);
  });

  it('a program compiled for 60-byte frames is wrong on shorter ones, and validation at 14 shows it', async () => {
    const { obj, c, fixture, pcap } = setup('xdp1', 60);
    const v = await validateTranslation(obj, c.object, { program: c.original.name, pcap, fixture, packets: 200, minFrame: 14, passes: c.options.passes });
    expect(v.mismatches).toBeGreaterThan(0);
    expect(v.firstMismatch!.hex.length / 2).toBeLessThan(60);
  });

  it('header boundaries: Ethernet, VLAN, IPv4 options, TCP', () => {
    const p = new Uint8Array(80);
    p.set([0x81, 0x00], 12);
    p.set([0x08, 0x00], 16);
    p[18] = 0x46; // IPv4, 24-byte header
    p[27] = 6; // TCP
    p[18 + 24 + 12] = 0x50; // data offset 5: 20 bytes
    expect(headerBoundaries(p)).toEqual([14, 18, 42, 62]);
  });
});
