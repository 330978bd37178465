// What `run` and `coverage` report (issue 9, item 4): the final maps after a --pcap run
// (--dump-maps, text and JSON); changed entries only for --packet --json unless whole maps are
// asked for; refused frames counted by their real reason; bytes out only for frames that leave.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePcapFile } from '../../simulator/pcap/index.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { kernelMissing, needs } from '../helpers/tools.js';
import { runCli } from './run.js';

const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-results-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const prog = (name: string) => join(PROGRAMS_DIR, name, `${name}.o`);
const PCAP = join(tmp, 'mixed.pcap');
const UDP = '020000000002020000000001080045000024000000004011000' + '00a0000010a000002003500350010000068656c6c6f';

beforeAll(async () => {
  // four good frames and two runts (under 14 bytes)
  const good = Buffer.from(UDP.padEnd(120, '0'), 'hex');
  const frames = [good, good, Buffer.alloc(10), good, Buffer.alloc(13), good];
  await writePcapFile(PCAP, frames.map((data) => ({ tsSec: 0, tsNsec: 0, data, origLen: data.length })));
});

describe('run --pcap --dump-maps', () => {
  it('JSON: the final maps beside the summary; without it, no maps', () => {
    const withMaps = JSON.parse(runCli(['run', prog('xdp1'), '--pcap', PCAP, '--json', '--dump-maps']).stdout);
    expect(withMaps.packets).toBe(4);
    const rxcnt = withMaps.maps.rxcnt as { key: string; value: string }[];
    // xdp1 counts packets per IP protocol: UDP (17 = 0x11) four times
    expect(rxcnt.find((e) => e.key === '11000000')?.value).toBe('0400000000000000');
    expect(JSON.parse(runCli(['run', prog('xdp1'), '--pcap', PCAP, '--json']).stdout).maps).toBeUndefined();
  });

  it.skipIf(needs(kernelMissing()))('the kernel engine dumps the same final maps', () => {
    const dump = (engine: string) => JSON.parse(runCli(['run', prog('xdp1'), '--pcap', PCAP, '--json', '--dump-maps', '--engine', engine]).stdout);
    const kernel = dump('kernel');
    expect(kernel.engine).toBe('kernel');
    expect(kernel.maps).toEqual(dump('interpreter').maps);
    expect(kernel.refused).toEqual({ total: 2, reasons: { 'under-14-bytes': 2 } });
  });

  it('text: every entry under "maps after the run:"', () => {
    const r = runCli(['run', prog('xdp1'), '--pcap', PCAP, '--dump-maps']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('maps after the run:\n  rxcnt: 256 entries\n');
    expect(r.stdout).toContain('    [11000000] 0400000000000000\n');
  });
});

describe('run --packet --json', () => {
  it('lists changed entries; whole maps only with --dump-maps', () => {
    const args = ['run', prog('xdp1'), '--packet', UDP.padEnd(120, '0'), '--json'];
    const plain = JSON.parse(runCli(args).stdout);
    expect(plain.changed).toEqual({ rxcnt: [{ key: '11000000', before: '0000000000000000', after: '0100000000000000' }] });
    expect(plain.maps).toBeUndefined();
    expect(JSON.parse(runCli([...args, '--dump-maps']).stdout).maps.rxcnt).toHaveLength(256);
  });
});

describe('refused frames, by reason', () => {
  it('run --pcap: frames under 14 bytes', () => {
    const s = JSON.parse(runCli(['run', prog('xdp1'), '--pcap', PCAP, '--json']).stdout);
    expect(s.refused).toEqual({ total: 2, reasons: { 'under-14-bytes': 2 } });
    const text = runCli(['run', prog('xdp1'), '--pcap', PCAP]).stdout;
    expect(text.split('\n')[1]).toBe("2 frames refused, as the kernel's test run refuses them (2 under 14 bytes)");
  });

  it('an RX queue the device does not have (lo has one), counted apart', () => {
    const s = JSON.parse(runCli(['run', prog('xdp_pass'), '--pcap', PCAP, '--rx-queues', '0-1', '--json']).stdout);
    // frame i arrives on queue i % 2: 0 runs; 1, 3, 5 (queue 1) are refused; 2 and 4 are runts
    expect(s.packets).toBe(1);
    expect(s.refused).toEqual({ total: 5, reasons: { 'no-such-rx-queue': 3, 'under-14-bytes': 2 } });
  });

  it('coverage says how many frames were refused and why', () => {
    const r = runCli(['coverage', prog('xdp1'), '--pcap', PCAP, '--json']);
    expect(JSON.parse(r.stdout).refused).toEqual({ total: 2, reasons: { 'under-14-bytes': 2 } });
    const text = runCli(['coverage', prog('xdp1'), '--pcap', PCAP]).stdout;
    expect(text.split('\n')[1]).toBe("2 frames refused, as the kernel's test run refuses them (2 under 14 bytes)");
  });
});

describe('bytes out', () => {
  it('counts only frames that leave (TX, REDIRECT, PASS), and the text says so', () => {
    const pass = JSON.parse(runCli(['run', prog('xdp_pass'), '--pcap', PCAP, '--json']).stdout);
    expect(pass.outBytes).toBe(pass.inBytes);
    const drop = JSON.parse(runCli(['run', prog('xdp_drop'), '--pcap', PCAP, '--json']).stdout);
    expect(drop.inBytes).toBe(4 * 60);
    expect(drop.outBytes).toBe(0);
    expect(runCli(['run', prog('xdp_drop'), '--pcap', PCAP]).stdout).toContain('bytes in: 240 (frames run); bytes out: 0 (frames that leave: TX, REDIRECT, PASS)');
  });
});
