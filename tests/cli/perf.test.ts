// `xdp2hw run` and bpf_perf_event_output (issue 10 item 2): the calls appear in `--json` as
// `perfEvents`, and `--perf-out FILE` writes their packet samples as a pcap (one packet or a trace).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPcapFile } from '../../simulator/pcap/index.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { runCli } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'xdp2hw-perf-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const prog = join(PROGRAMS_DIR, 'xdp_sample');
const obj = join(prog, 'xdp_sample.o');
/** a fixture sampling every packet, 32 bytes each */
const EVERY = join(dir, 'every.json');

describe('xdp2hw run: perf event samples', () => {
  it('--json lists perfEvents (data, sample, return value); --perf-out writes the sample', () => {
    writeFileSync(EVERY, JSON.stringify({ maps: { config: { entries: [{ key: '00000000', value: '0100000020000000' }] } } }));
    const packet = Array.from({ length: 64 }, (_, i) => (i + 0x10).toString(16).padStart(2, '0')).join('');
    const out = join(dir, 'one.pcap');
    const r = runCli(['run', obj, '--maps', EVERY, '--packet', packet, '--json', '--perf-out', out]);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { action: string; perfEvents: { map: string; index: number; ret: number; data: string; sample: string; packetLen: number }[] };
    expect(j.action).toBe('XDP_PASS');
    expect(j.perfEvents).toEqual([{ map: 'samples', index: 0, ret: -2, data: 'adde400000000000', sample: packet.slice(0, 64), packetLen: 64 }]);
    const recs = readPcapFile(out);
    expect(recs.map((x) => Buffer.from(x.data).toString('hex'))).toEqual([packet.slice(0, 64)]);
    expect(recs[0].origLen).toBe(64);
  });

  it('--pcap: the summary counts the calls by return value; --perf-out holds one record per sample', () => {
    const out = join(dir, 'trace.pcap');
    const r = runCli(['run', obj, '--maps', join(prog, 'maps.json'), '--pcap', join(prog, 'traffic.pcap'), '--json', '--perf-out', out]);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { packets: number; perfEvents: { calls: number; returns: Record<string, number> } };
    expect(j.perfEvents.calls).toBe(Math.floor(j.packets / 2));
    expect(j.perfEvents.returns['-2'] + j.perfEvents.returns['-14']).toBe(j.perfEvents.calls);
    const recs = readPcapFile(out);
    expect(recs).toHaveLength(j.perfEvents.returns['-2']); // EFAULT calls sample nothing
    for (const x of recs) expect(x.data.length).toBe(128);
  });
});
