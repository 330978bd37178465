// Program types from section names as libbpf derives them (issue 10 item 4): XDP attach types and
// multi-buffer, other types by the kernel's name; an object mixing XDP with TC and kprobe programs
// loads (in the kernel too), only its XDP programs run, and an xdp/devmap program reads
// egress_ifindex, which the kernel's verifier allows there and nowhere else (not in xdp/cpumap).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFile } from '../../compiler/loader/index.js';
import { programTypeOf } from '../../compiler/loader/progtype.js';
import { summarize } from '../../compiler/loader/summary.js';
import { InterpreterSession, RunInputError } from '../../simulator/interpreter/engine.js';
import { KernelEngine, KernelError } from '../../simulator/kernel/index.js';
import { runCli } from '../cli/run.js';
import { kernelMissing, needs, toolMissing } from '../helpers/tools.js';
import { compiled } from './compile.js';

const noClang = needs(toolMissing('clang'));
const packet = new Uint8Array(60);

describe('programTypeOf', () => {
  it.each([
    ['xdp', { kind: 'xdp', attach: 'xdp', frags: false, libbpf: true }],
    ['xdp.frags', { kind: 'xdp', attach: 'xdp', frags: true, libbpf: true }],
    ['xdp/devmap', { kind: 'xdp', attach: 'devmap', frags: false, libbpf: true }],
    ['xdp.frags/devmap', { kind: 'xdp', attach: 'devmap', frags: true, libbpf: true }],
    ['xdp/cpumap', { kind: 'xdp', attach: 'cpumap', frags: false, libbpf: true }],
    ['xdp.frags/cpumap', { kind: 'xdp', attach: 'cpumap', frags: true, libbpf: true }],
    ['xdp/foo', { kind: 'xdp', attach: 'xdp', frags: false, libbpf: false }],
    ['', { kind: 'xdp', attach: 'xdp', frags: false, libbpf: false }],
    ['tc', { kind: 'other', type: 'sched_cls', libbpf: true }],
    ['tcx/ingress', { kind: 'other', type: 'sched_cls', libbpf: true }],
    ['classifier', { kind: 'other', type: 'sched_cls', libbpf: true }],
    ['kprobe/do_sys_open', { kind: 'other', type: 'kprobe', libbpf: true }],
    ['tracepoint/syscalls/sys_enter_open', { kind: 'other', type: 'tracepoint', libbpf: true }],
    ['fentry/tcp_v4_connect', { kind: 'other', type: 'tracing', libbpf: true }],
    ['raw_tp.w/foo', { kind: 'other', type: 'raw_tracepoint_writable', libbpf: true }],
    ['socket', { kind: 'other', type: 'socket_filter', libbpf: true }],
    ['prog', { kind: 'other', type: 'unknown', libbpf: false }],
  ])('%s', (section, type) => expect(programTypeOf(section)).toEqual(type));
});

describe.skipIf(noClang)('an object mixing XDP, TC and kprobe programs', () => {
  it('loads; info gives each program its type', () => {
    const s = summarize(loadFile(compiled('mixed')));
    expect(s.programs.map((p) => [p.name, p.type, p.kernelType, p.attach, p.frags])).toEqual([
      ['xdp_plain', 'xdp', 'xdp', 'xdp', false], ['xdp_mb', 'xdp', 'xdp', 'xdp', true], ['xdp_egress', 'xdp', 'xdp', 'devmap', false],
      ['tc_len', 'tc', 'sched_cls', undefined, undefined], ['kprobe_open', 'kprobe', 'kprobe', undefined, undefined]]);
  });

  it('only its XDP programs run: a TC program is refused naming its type', () => {
    const obj = loadFile(compiled('mixed'));
    expect(() => new InterpreterSession(obj, 'tc_len', undefined)).toThrow(RunInputError);
    expect(() => new InterpreterSession(obj, 'tc_len', undefined)).toThrow(/program tc_len is a sched_cls program \(section tc\), not XDP; only XDP programs run \(XDP programs: xdp_plain, xdp_mb, xdp_egress\)$/);
    expect(new InterpreterSession(obj, 'xdp_plain', undefined).runSync({ packet }).action).toBe('XDP_PASS');
    const r = runCli(['run', compiled('mixed'), '--program', 'kprobe_open', '--packet', '00'.repeat(60)]);
    expect([r.status, r.stderr.trim().split('\n').length]).toEqual([1, 1]);
    expect(r.stderr).toMatch(/is a kprobe program \(section kprobe\/do_sys_openat2\), not XDP/);
  });

  it('xdp/devmap reads egress_ifindex (default 1, or as the run gives it); other XDP programs may not have one', () => {
    const obj = loadFile(compiled('mixed'));
    const dev = new InterpreterSession(obj, 'xdp_egress', undefined);
    expect(dev.runSync({ packet }).action).toBe('XDP_PASS');
    expect(dev.runSync({ packet, ctx: { egressIfindex: 3 } }).action).toBe('XDP_DROP');
    expect(() => new InterpreterSession(obj, 'xdp_plain', undefined).runSync({ packet, ctx: { egressIfindex: 3 } })).toThrow(/only devmap programs/);
  });

  it.skipIf(needs(kernelMissing()))('the kernel loads the object; its test run runs XDP and refuses xdp/devmap programs (EINVAL)', async () => {
    const obj = loadFile(compiled('mixed'));
    const k = await new KernelEngine().open(obj, 'xdp_plain', undefined);
    try {
      expect((await k.run({ packet })).action).toBe('XDP_PASS');
    } finally {
      await k.close();
    }
    const d = await new KernelEngine().open(obj, 'xdp_egress', undefined);
    try {
      await expect(d.run({ packet })).rejects.toThrow(/Invalid argument/);
    } finally {
      await d.close();
    }
  });
});

describe.skipIf(noClang)('egress_ifindex outside xdp/devmap', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-cpumap-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const build = () => {
    writeFileSync(join(tmp, 'c.c'), '#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\nSEC("xdp/cpumap") int cpu(struct xdp_md *ctx) { return ctx->egress_ifindex ? 1 : 2; }\nchar L[] SEC("license") = "GPL";\n');
    execFileSync('clang', ['-O2', '-target', 'bpf', '-I/usr/include/x86_64-linux-gnu', '-c', join(tmp, 'c.c'), '-o', join(tmp, 'c.o')]);
    return loadFile(join(tmp, 'c.o'));
  };

  it('an xdp/cpumap program reading it faults in the interpreter', () => {
    const r = new InterpreterSession(build(), 'cpu', undefined).runSync({ packet });
    expect(r.trap).toMatchObject({ kind: 'bad-pointer', message: expect.stringContaining('egress_ifindex can be read only by devmap programs') });
  });

  it.skipIf(needs(kernelMissing()))('... and the kernel verifier rejects it', async () => {
    await expect(new KernelEngine().open(build(), 'cpu', undefined)).rejects.toThrow(KernelError);
  });
});
