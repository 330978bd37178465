// `xdp2hw run` and `xdp2hw conformance-plugin` as a user runs them (the built CLI): the issue's
// acceptance cases (truncated packet, unsupported helper, out-of-bounds read), bad input and
// usage exit codes, and the bpf_conformance runner protocol.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assemble, dataFileProgram, encodeProgram, parseDataFile } from '../../isa/index.js';
import { runCli } from '../cli/run.js';
import { CONFORMANCE_DIR, PROGRAMS_DIR, ROOT } from '../helpers/paths.js';
import { kernelMissing, needs, toolMissing } from '../helpers/tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-cli-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const XDP1 = join(PROGRAMS_DIR, 'xdp1', 'xdp1.o');
const hex = (n: number) => Array.from({ length: n }, (_, i) => (i & 0xff).toString(16).padStart(2, '0')).join('');

function raw(name: string, asm: string): string {
  const file = join(tmp, name);
  writeFileSync(file, encodeProgram(assemble(asm)));
  return file;
}

describe('xdp2hw run', () => {
  it('a packet shorter than an Ethernet header: exit 1 and the reason, as the kernel refuses it', () => {
    const r = runCli(['run', XDP1, '--packet', hex(10)]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("xdp2hw: the packet is 10 bytes; the kernel's test run needs at least 14 (an Ethernet header)\n");
  });

  it('a truncated IPv4 packet: the program decides (exit 0, the action and the packet)', () => {
    const r = runCli(['run', XDP1, '--packet', '020000000002020000000001080045000054', '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ action: 'XDP_DROP', code: 1, packet: '020000000002020000000001080045000054' });
    expect(out.trap).toBeUndefined();
    expect(out.insns.total).toBeGreaterThan(0);
  });

  it('an out-of-bounds read: a trap with where and why, action XDP_ABORTED, exit 0', () => {
    const file = raw('oob.bin', 'ldxw %r2, [%r1+0]\nldxb %r0, [%r2+100]\nexit');
    const human = runCli(['run', file, '--packet', hex(64)]);
    expect(human.status).toBe(0);
    expect(human.stdout).toContain('action: XDP_ABORTED (0)');
    expect(human.stdout).toContain('trap: out-of-bounds at instruction 1 of oob: 1-byte read at offset 356 of packet (valid: 256..319)');
    const json = JSON.parse(runCli(['run', file, '--packet', hex(64), '--json']).stdout);
    expect(json).toMatchObject({ action: 'XDP_ABORTED', code: 0, insns: { total: 2, mean: 2, max: 2 }, trap: { kind: 'out-of-bounds', pc: 1, program: 'oob' } });
    expect(json.packet).toBe(hex(64));
  });

  it('human output: action, hex dump, changed map entries, instruction count', () => {
    const r = runCli(['run', XDP1, '--packet', '02000000000202000000000108004500002e00000000401100000a0000010a000002']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^program xdp1_prog\naction: XDP_DROP \(1\)\npacket \(34 bytes\):\n  0000  02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00  \|\.{14}E\.\|/);
    expect(r.stdout).toContain('changed map entries:\n  rxcnt[11000000]: 0000000000000000 -> 0100000000000000\n');
    expect(r.stdout).toMatch(/instructions executed: \d+\n$/);
  });

  it('bad input exits 1 with one line; a missing option is a usage error (2)', () => {
    const bad = [
      ['run', XDP1, '--packet', 'zz'],
      ['run', join(tmp, 'nope.o'), '--packet', hex(20)],
      ['run', XDP1, '--packet', join(tmp, 'nope.bin')],
      ['run', XDP1, '--packet', hex(20), '--program', 'nope'],
      ['run', XDP1, '--packet', hex(20), '--maps', join(PROGRAMS_DIR, 'router_ipv4', 'maps.json')],
    ];
    for (const args of bad) {
      const r = runCli(args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(runCli(['run', XDP1, '--packet', hex(20), '--maps', join(PROGRAMS_DIR, 'router_ipv4', 'maps.json')]).stderr).toMatch(/map routes: the object has no map of that name/);
    expect(runCli(['run', XDP1]).status).toBe(2);
    expect(runCli(['run', XDP1, '--packet', hex(20), '--ctx-ifindex', '-1']).status).toBe(2);
  });

  describe.skipIf(needs(toolMissing('clang')))('a program calling a helper the interpreter lacks', () => {
    it('traps unsupported-helper naming the helper and the instruction; exit 0', () => {
      const c = join(tmp, 'pid.c');
      writeFileSync(c, `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("xdp") int pid_prog(struct xdp_md *ctx) { return bpf_get_current_pid_tgid() & 1 ? XDP_PASS : XDP_DROP; }
char _license[] SEC("license") = "GPL";
`);
      const obj = join(tmp, 'pid.o');
      execFileSync('clang', ['-O2', '-g', '-target', 'bpf', '-I/usr/include/x86_64-linux-gnu', '-c', c, '-o', obj]);
      const r = runCli(['run', obj, '--packet', hex(64), '--json']);
      expect(r.status).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ action: 'XDP_ABORTED', code: 0, trap: { kind: 'unsupported-helper', program: 'pid_prog' } });
      expect(out.trap.message).toMatch(/call to helper bpf_get_current_pid_tgid \(14\), which this interpreter does not implement/);
      const human = runCli(['run', obj, '--packet', hex(64)]).stdout;
      expect(human).toMatch(/trap: unsupported-helper at instruction \d+ of pid_prog: call to helper bpf_get_current_pid_tgid/);
    });
  });

  describe.skipIf(needs(kernelMissing()))('the kernel agrees', () => {
    it('refuses a 10-byte packet too', () => {
      const file = join(tmp, 'short.bin');
      writeFileSync(file, new Uint8Array(10));
      const dir = `/sys/fs/bpf/xdp2hw-${process.pid}-short`;
      try {
        execFileSync('bpftool', ['prog', 'load', XDP1, dir]);
        const r = spawnSync('bpftool', ['prog', 'run', 'pinned', dir, 'data_in', file], { encoding: 'utf8' });
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/Invalid argument/);
      } finally {
        rmSync(dir, { force: true });
      }
    });
  });
});

describe('xdp2hw conformance-plugin', () => {
  const files = ['add.data', 'ldxb.data', 'stxdw.data', 'lock_cmpxchg.data', 'call_local.data', 'callx.data', 'be64.data'];
  const plugin = (args: string[], stdin: string) =>
    spawnSync(process.execPath, [resolve(ROOT, 'dist/cli/xdp2hw.js'), 'conformance-plugin', ...args], { input: stdin, encoding: 'utf8' });
  const spaced = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0') + '  ').join('');

  for (const f of files)
    it(`speaks the runner protocol: ${f}`, () => {
      const d = parseDataFile(readFileSync(join(CONFORMANCE_DIR, f), 'utf8'));
      const r = plugin(d.mem.length ? [spaced(d.mem)] : [], spaced(dataFileProgram(d)));
      expect(r.status, r.stderr).toBe(0);
      expect(BigInt(r.stdout.trim())).toBe(d.result);
    });

  it('a bad program: non-zero exit and the error on stdout', () => {
    const r = plugin([], 'ff  00  00  00  00  00  00  00  ');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/unknown opcode 0xff/);
  });

  it('ignores runner options', () => {
    const r = plugin(['--elf', 'x'], spaced(encodeProgram(assemble('mov %r0, 7\nexit'))));
    expect(r.stdout.trim()).toBe('0x7');
  });
});
