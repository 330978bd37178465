// bpf_printk (bpf_trace_printk, and bpf_trace_vprintk past 3 arguments) on the interpreter: the
// lines go to stderr in text mode and into "trace" with --json, and equal what the kernel writes
// to its trace buffer for the same program and packets (read from a tracefs instance of our own,
// so other users of trace_pipe are not disturbed). The kernel half needs root, bpftool and
// tracefs; without them it is skipped with the reason.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPrintk } from '../../simulator/helpers/printk-format.js';
import { writePcapFile } from '../../simulator/pcap/index.js';
import { ROOT } from '../helpers/paths.js';
import { kernelMissing, needs, toolMissing } from '../helpers/tools.js';
import { runCli } from './run.js';

const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-printk-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const OBJ = join(tmp, 'printk.o');

/** Packets: Ethernet header, then the bytes the program formats (a negative s32, a u64, a letter). */
const PACKETS = [
  '020000000002020000000001' + '0800' + 'fffffe85' + '12345678' + '42' + '07' + '00'.repeat(14),
  '0a0b0c0d0e0f101112131415' + '86dd' + '00000011' + 'ffffffff' + '00' + '3f' + 'ee'.repeat(20),
];

/** Where tracefs is, mounting it when it is not; or why it cannot be used. */
function tracefsMissing(): string | undefined {
  const why = kernelMissing();
  if (why) return why;
  const dir = '/sys/kernel/tracing';
  if (!existsSync(join(dir, 'instances'))) {
    const r = spawnSync('mount', ['-t', 'tracefs', 'nodev', dir]);
    if (r.status !== 0 || !existsSync(join(dir, 'instances'))) return 'tracefs is not mounted at /sys/kernel/tracing and mounting it failed';
  }
  if (!existsSync(join(dir, 'events/bpf_trace/bpf_trace_printk'))) return 'this kernel has no bpf_trace_printk trace event';
  return undefined;
}

/** The messages of bpf_trace_printk events in a trace file, a message's own newlines kept. */
function traceMessages(text: string): string[] {
  const out: string[] = [];
  const lines = text.split('\n');
  lines.pop(); // the file ends in a newline
  for (const line of lines) {
    if (line.startsWith('#')) continue;
    const m = /^\s*\S.*?\s\[\d+\]\s.*?: bpf_trace_printk: (.*)$/.exec(line);
    if (m) out.push(m[1]);
    else if (out.length) out[out.length - 1] += `\n${line}`;
  }
  return out;
}

describe.skipIf(needs(toolMissing('clang')))('bpf_printk on the interpreter', () => {
  beforeAll(() => {
    const multiarch = execFileSync('clang', ['-print-multiarch'], { encoding: 'utf8' }).trim() || 'x86_64-linux-gnu';
    execFileSync('clang', ['-O2', '-g', '-target', 'bpf', `-I/usr/include/${multiarch}`, '-c', join(ROOT, 'tests/cli/c/printk.c'), '-o', OBJ]);
  });

  it('text mode: the lines on stderr, as trace_pipe shows them after "bpf_trace_printk: "', () => {
    const r = runCli(['run', OBJ, '--packet', PACKETS[0]]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^program printk_prog\naction: XDP_PASS/);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe('len 38 proto 800');
    expect(lines).toContain('-379 -379 4294966917');
    expect(lines).toContain('[  133|133  |03717]');
    expect(lines).toContain('oG 100%');
    expect(lines).toContain('many 2 0 0 0 0'); // 5 arguments: bpf_trace_vprintk
  });

  it('--json: a "trace" array; --pcap: each line with its packet', async () => {
    const r = runCli(['run', OBJ, '--packet', PACKETS[1], '--json']);
    const out = JSON.parse(r.stdout);
    expect(r.stderr).toBe('');
    expect(out.trace).toHaveLength(11);
    expect(out.trace[0]).toEqual({ packet: 0, line: 'len 44 proto 86dd' });
    expect(out.trace[10]).toEqual({ packet: 0, line: 'line\n' });
    const pcap = join(tmp, 'two.pcap');
    await writePcapFile(pcap, PACKETS.map((p) => ({ tsSec: 0, tsNsec: 0, data: Buffer.from(p, 'hex'), origLen: p.length / 2 })));
    const trace = JSON.parse(runCli(['run', OBJ, '--pcap', pcap, '--json']).stdout);
    expect(trace.trace.filter((t: { packet: number }) => t.packet === 1)[0]).toEqual({ packet: 1, line: 'len 44 proto 86dd' });
    expect(trace.trace).toHaveLength(22);
    expect(trace.traceOmitted).toBe(0);
    const text = runCli(['run', OBJ, '--pcap', pcap]);
    expect(text.stderr.split('\n')).toContain('packet 1: len 44 proto 86dd');
  });

  it('formats as bstr_printf does, and refuses what bpf_bprintf_prepare refuses', () => {
    const str = () => 'ab';
    expect(formatPrintk('%5s|%-3c|%x', [0n, 65n, 255n], str)).toMatchObject({ ok: true, text: '   ab|A  |ff' });
    expect(formatPrintk('%d %d %d %d', [1n, 2n, 3n], str)).toMatchObject({ ok: false, einval: expect.any(String) });
    expect(formatPrintk('%.2d', [1n], str)).toMatchObject({ ok: false, einval: expect.any(String) });
    expect(formatPrintk('%lc', [1n], str)).toMatchObject({ ok: false, einval: expect.any(String) });
    expect(formatPrintk('%pI4', [1n], str)).toMatchObject({ ok: false, unsupported: '%pI4' });
    expect(formatPrintk('%px', [0xabcn], str)).toMatchObject({ ok: true, text: '0000000000000abc' });
  });

  describe.skipIf(needs(tracefsMissing()))('= the kernel\'s trace buffer', () => {
    it.each(PACKETS.map((p, i) => [i, p]))('packet %i', (i, packet) => {
      const instance = `/sys/kernel/tracing/instances/xdp2hw-${process.pid}-${i}`;
      const pin = `/sys/fs/bpf/xdp2hw-${process.pid}-printk-${i}`;
      const bin = join(tmp, `p${i}.bin`);
      writeFileSync(bin, Buffer.from(packet as string, 'hex'));
      mkdirSync(instance);
      try {
        writeFileSync(join(instance, 'events/bpf_trace/bpf_trace_printk/enable'), '1');
        execFileSync('bpftool', ['prog', 'load', OBJ, pin]);
        execFileSync('bpftool', ['prog', 'run', 'pinned', pin, 'data_in', bin]);
        const kernel = traceMessages(readFileSync(join(instance, 'trace'), 'utf8'));
        const ours = JSON.parse(runCli(['run', OBJ, '--packet', bin, '--json']).stdout).trace.map((t: { line: string }) => t.line);
        expect(kernel.length).toBeGreaterThan(5);
        expect(ours).toEqual(kernel);
      } finally {
        rmSync(pin, { force: true });
        rmdirSync(instance);
      }
    });
  });
});
